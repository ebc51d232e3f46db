#!/usr/bin/env python3
"""Writes hot-path.order: the functions a page call runs, one linker input
section per line. `make lib` hands the file to the linker
(gold's --section-ordering-file), which places those functions side by side
in libshortinterest.so instead of scattered over its 15 MB of code.

    make hot-path-order

builds the library with its symbols into build/hot-path and runs

    python3 scripts/hot_path_order.py build/hot-path hot-path.order

The functions are those whose instructions grow with the number of calls:
build/bench/api_calls under `valgrind --tool=callgrind`, 1 call and then
CALLS calls, against a loopback `shortinterest serve --fixture`, for the
struct page of a US code first, then what an HK code, and then what the
JSON pages add (the struct path is what the C and Python users call most,
so its functions are packed the tightest). Only functions compiled
into sections of their own (the Makefile's RELEASE flags, and the static
Swift runtime) can be moved; the linker ignores the other names.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench" / "python"))
from runs import require_programs  # noqa: E402
from bench_vs_futu import bench_fixture, start_server, stop_server  # noqa: E402  (the benches' fixture and launcher)

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


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("library_dir", type=Path, help="directory with %s linked with its symbols" % LIBRARY)
    ap.add_argument("output", type=Path, help="the order file to write")
    ap.add_argument("--calls", type=int, default=201, help="calls in the longer run (default 201)")
    args = ap.parse_args()
    if not (args.library_dir / LIBRARY).exists():
        ap.error("no %s in %s" % (LIBRARY, args.library_dir))
    (api_calls,) = require_programs("api_calls")

    sections = []
    with tempfile.TemporaryDirectory() as scratch:
        fixture = Path(scratch) / "fixture.json"
        bench_fixture(fixture)
        server = start_server(fixture=fixture)
        try:
            for code, path in PAGES:
                once = self_costs(api_calls, args.library_dir, server.host, server.port, code, path, 1, scratch)
                many = self_costs(api_calls, args.library_dir, server.host, server.port, code, path, args.calls, scratch)
                growth = {name: cost - once.get(name, 0) for name, cost in many.items()}
                # At least an instruction a call: run by the calls, not by the set-up.
                hot = [name for name, grown in growth.items() if grown >= args.calls - 1 and not name.startswith("0x")]
                # Each page adds what the ones before did not run, hottest
                # first: the first page's functions stay the most tightly packed.
                listed = set(sections)
                sections += sorted((".text." + name for name in hot if ".text." + name not in listed),
                                   key=lambda section: (-growth[section[len(".text."):]], section))
        finally:
            stop_server(server)
    if not sections:
        raise SystemExit("no function of %s ran per call: was it linked with its symbols?" % LIBRARY)
    temporary = args.output.with_suffix(".tmp")
    temporary.write_text("\n".join(sections) + "\n")
    temporary.replace(args.output)
    print("%s: %d functions" % (args.output, len(sections)))


if __name__ == "__main__":
    main()
