#!/usr/bin/env python3
"""Writes hot-path.order: the functions a page call runs, one linker input
section per line. `make lib` hands the file to the linker
(gold's --section-ordering-file), which places those functions side by side
in libshortinterest.so instead of scattered over its 15 MB of code.

    make hot-path-order

builds the library with its symbols into build/hot-path and runs

    python3 scripts/hot_path_order.py build/hot-path hot-path.order

The functions are those whose instructions grow with the number of calls:
build/bench/api_calls under `valgrind --tool=callgrind`, CALLS calls and
then twice as many, against a loopback `shortinterest serve --fixture`, for the
struct page of a US code first, then what an HK code, and then what the
JSON pages add (the struct path is what the C and Python users call most,
so its functions are packed the tightest). Only functions compiled
into sections of their own (the Makefile's RELEASE flags, and the static
Swift runtime) can be moved; the linker ignores the other names.

    python3 scripts/hot_path_order.py --check build/hot-path hot-path.order

(`make test-hot-path-order`) fails instead when the file names a function
the library no longer defines: renamed or removed code that the linker
would silently leave out of the packed hot path until the file is remade.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

PAGES = [("US.AAPL", "struct"), ("HK.00700", "struct"), ("US.AAPL", "json"), ("HK.00700", "json")]
LIBRARY = "libshortinterest.so.1"
# callgrind_annotate's lines: "1,234 (0.5%)  file:function [object]"
COST_LINE = re.compile(r"^\s*([\d,]+) \([^)]*\)\s+[^:\s]*:(\S+) \[([^\]]*)\]")


def self_costs(api_calls, library_dir, host, port, code, path, calls, scratch):
    """Instructions executed in each function of the library by `calls` calls."""
    out = Path(scratch) / ("callgrind.%s.%s.%d" % (code, path, calls))
    env = dict(os.environ, LD_LIBRARY_PATH=str(library_dir))
    subprocess.run(["valgrind", "--tool=callgrind", "--demangle=no", "--callgrind-out-file=%s" % out,
                    str(api_calls), host, str(port), code, "10", str(calls), "1", path],
                   env=env, check=True, capture_output=True)
    report = subprocess.run(["callgrind_annotate", "--threshold=100", str(out)],
                            check=True, capture_output=True, text=True).stdout
    costs = {}
    for line in report.splitlines():
        match = COST_LINE.match(line)
        if match and match.group(3).endswith(LIBRARY):
            # callgrind marks recursion depth with 'N; the section is the function's.
            name = match.group(2).split("'")[0]
            costs[name] = costs.get(name, 0) + int(match.group(1).replace(",", ""))
    return costs


def check(library, order):
    """Exits with the names `order` lists that `library` (linked with its
    symbols) does not define."""
    listed = [line[len(".text."):] for line in order.read_text().splitlines() if line.startswith(".text.")]
    symbols = subprocess.run(["nm", "--defined-only", str(library)], check=True, capture_output=True, text=True).stdout
    defined = {line.split()[-1] for line in symbols.splitlines() if line.strip()}
    missing = [name for name in listed if name not in defined]
    if missing:
        raise SystemExit("%s names %d of its %d functions that %s does not define (renamed or removed?); "
                         "remake it with `make hot-path-order`:\n  %s"
                         % (order, len(missing), len(listed), library.name, "\n  ".join(missing)))
    print("%s: the library defines all %d functions it names" % (order, len(listed)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("library_dir", type=Path, help="directory with %s linked with its symbols" % LIBRARY)
    ap.add_argument("output", type=Path, help="the order file to write (with --check: to check)")
    ap.add_argument("--calls", type=int, default=200, help="calls in the shorter run; the longer makes twice as many (default 200)")
    ap.add_argument("--check", action="store_true", help="check that the library defines every function the file names")
    args = ap.parse_args()
    if not (args.library_dir / LIBRARY).exists():
        ap.error("no %s in %s" % (LIBRARY, args.library_dir))
    if args.check:
        check(args.library_dir / LIBRARY, args.output)
        return
    # Imported here, not above: the check needs only nm, while the benches'
    # launcher brings in the Python tests' conftest and what it imports.
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench" / "python"))
    from runs import require_programs
    from bench_vs_futu import bench_fixture, start_bench_gateway, stop_server  # the benches' fixture and launcher
    (api_calls,) = require_programs("api_calls")

    names = []
    with tempfile.TemporaryDirectory() as scratch:
        fixture = Path(scratch) / "fixture.json"
        bench_fixture(fixture)
        server = start_bench_gateway(fixture)
        try:
            for code, path in PAGES:
                fewer = self_costs(api_calls, args.library_dir, server.host, server.port, code, path, args.calls, scratch)
                more = self_costs(api_calls, args.library_dir, server.host, server.port, code, path, 2 * args.calls, scratch)
                # At least an instruction a call over the later calls: run by
                # every call, not by the set-up or by the first calls' lazy
                # initialisation (type metadata, the event loop).
                growth = {name: cost - fewer.get(name, 0) for name, cost in more.items()}
                # Each page adds what the ones before did not run, hottest
                # first: the first page's functions stay the most tightly packed.
                listed = set(names)
                names += sorted((name for name, grown in growth.items()
                                 if grown >= args.calls and not name.startswith("0x") and name not in listed),
                                key=lambda name: (-growth[name], name))
        finally:
            stop_server(server)
    if not names:
        raise SystemExit("no function of %s ran per call: was it linked with its symbols?" % LIBRARY)
    temporary = args.output.with_suffix(".tmp")
    temporary.write_text("".join(".text.%s\n" % name for name in names))
    temporary.replace(args.output)
    print("%s: %d functions" % (args.output, len(names)))


if __name__ == "__main__":
    main()
