#!/usr/bin/env python3
"""Page queries on the 20-year store through the C API (struct path,
embedded store, one thread): calls per second, p50 and p99 latency.

    python3 bench/store/make_store.py /tmp/si-store      # once: files, ingest, store.sqlite
    make bench && python3 bench/store/bench_store.py /tmp/si-store [--runs 7] [--calls 20000]

Each run is one build/bench/store_latency process per case (US or HK codes,
newest or deep pages, num 10 or 50), cases in turn; each process draws its
codes at random (a different seed each run) and warms the store with a tenth
of its calls first. The table shows the medians over the runs.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from runs import machine, require_programs, run_program, summary  # noqa: E402

CASES = [(market, mode, num) for market in ("us", "hk") for mode in ("newest", "deep") for num in (10, 50)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", nargs="?", default="/tmp/si-store", help="what make_store.py wrote (default /tmp/si-store)")
    ap.add_argument("--runs", type=int, default=7, help="runs, at least 5 (default 7)")
    ap.add_argument("--calls", type=int, default=20000, help="timed calls per case and run (default 20000)")
    args = ap.parse_args()
    if args.runs < 5:
        ap.error("--runs must be at least 5")
    (store_latency,) = require_programs("store_latency")
    folder = Path(args.folder)
    store = folder / "store.sqlite"
    if not store.exists():
        sys.exit("missing %s: run bench/store/make_store.py %s first" % (store, folder))

    results = {case: [] for case in CASES}
    for run in range(args.runs):
        for market, mode, num in CASES:
            results[(market, mode, num)].append(run_program(
                [store_latency, store, folder / ("codes-%s.txt" % market), args.calls, num, mode, run + 1]))
        print("run %d of %d done" % (run + 1, args.runs), file=sys.stderr)

    print("Command: `python3 bench/store/bench_store.py %s --runs %d --calls %d`; %s; store %.0f MB; "
          "medians of %d runs x %d calls per case (min-max of the run medians in brackets)."
          % (folder, args.runs, args.calls, machine(), store.stat().st_size / 1e6, args.runs, args.calls))
    print()
    print("| codes | pages | num | rows/call | calls/s | p50 µs | p90 µs | p99 µs |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for market, mode, num in CASES:
        outs = results[(market, mode, num)]
        cells = [summary([o[key] for o in outs]) for key in ("calls_per_second", "p50_us", "p90_us", "p99_us")]
        print("| %s | %s | %d | %.1f | %.0f | %s |" % (
            market.upper(), mode, num, summary([o["rows_per_call"] for o in outs])[0], cells[0][0],
            " | ".join("%.1f (%.1f-%.1f)" % cell for cell in cells[1:])))


if __name__ == "__main__":
    main()
