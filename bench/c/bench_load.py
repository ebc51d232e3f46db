#!/usr/bin/env python3
"""Loading: the time from dlopen to the first answer, and the size of the
stripped library.

    make bench && python3 bench/c/bench_load.py [--runs 9] [--store /tmp/si-store/store.sqlite]

Runs build/bench/dlopen_first as a fresh process each time: dlopen of
build/lib/libshortinterest.so (RTLD_NOW), then si_client_open and the first
si_get_page (newest 10 rows), against a loopback `shortinterest serve
--fixture` (the first page includes connecting and InitConnect) and, with
--store, against that store (opened in si_client_open). The page cache is
warm (the library was just built or run): these are warm starts.
"""

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "python"))
from runs import REPO, machine, require_programs, run_program, summary  # noqa: E402
from bench_vs_futu import bench_fixture, start_bench_gateway, stop_server  # noqa: E402

LIBRARY = REPO / "build" / "lib" / "libshortinterest.so"
STEPS = ("dlopen_ms", "open_ms", "first_page_ms", "total_ms")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=9, help="processes per target, at least 5 (default 9)")
    ap.add_argument("--store", help="also measure against this store (e.g. /tmp/si-store/store.sqlite)")
    args = ap.parse_args()
    if args.runs < 5:
        ap.error("--runs must be at least 5")
    (dlopen_first,) = require_programs("dlopen_first")

    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        fixture = Path(tmp) / "bench-fixture.json"
        bench_fixture(fixture)
        server = start_bench_gateway(fixture)
        targets = {"gateway (HK.00700)": [server.host, server.port, "HK.00700"]}
        if args.store:
            # The first code the store generator writes: a US code that is surely there.
            code = (Path(args.store).parent / "codes-us.txt").read_text().split()[0]
            targets["store (%s)" % code] = ["--store", args.store, code]
        try:
            for _ in range(args.runs):
                for name, target in targets.items():
                    results.setdefault(name, []).append(run_program([dlopen_first, LIBRARY, *target]))
        finally:
            stop_server(server)

    real = LIBRARY.resolve()
    kind = subprocess.run(["file", "-b", real], capture_output=True, text=True).stdout.strip()
    print("Command: `python3 bench/c/bench_load.py --runs %d%s`; %s; medians of %d processes (min-max)."
          % (args.runs, " --store %s" % args.store if args.store else "", machine(), args.runs))
    print()
    print("| target | dlopen ms | si_client_open ms | first page ms | dlopen to first answer ms |")
    print("|---|---:|---:|---:|---:|")
    for name, outs in results.items():
        print("| %s | %s |" % (name, " | ".join("%.2f (%.2f-%.2f)" % summary([o[s] for o in outs]) for s in STEPS)))
    print()
    print("Library: %s, %d bytes (%.1f MB); %s" % (real.name, real.stat().st_size, real.stat().st_size / 1e6,
                                                  "stripped" if ", stripped" in kind else kind))


if __name__ == "__main__":
    main()
