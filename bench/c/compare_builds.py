#!/usr/bin/env python3
"""Two builds of the library against each other and against the floor.

    make bench && python3 bench/c/compare_builds.py BASELINE [--candidate build/lib] [--pairs 25] [--calls 2000] [--nums 10 50] [--pin 0,1]

For measuring one change to the library: BASELINE is a directory holding
libshortinterest.so.1 as built before the change, for instance

    git stash && make lib && cp -a build/lib /tmp/before && git stash pop && make lib

On one loopback `shortinterest serve --fixture` (the fixture of
bench/python), each round runs, one after the other, the floor
(build/bench/floor) and build/bench/api_calls' struct path
(si_get_page + si_page_free, one thread) with the baseline and with the
candidate library (LD_LIBRARY_PATH, ahead of the program's RUNPATH). Many
short rounds, interleaved, put the machine's drift on all three alike.
Prints, per page size, the medians of wall time and client CPU time per
call, and each build's median ratio to the floor run just before it in the
same round (the ratio issue 10's target is about).
"""

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "python"))
from runs import REPO, add_pin_option, machine, measure, pin_process, require_programs  # noqa: E402
from bench_vs_futu import bench_fixture, start_bench_gateway, stop_server  # noqa: E402  (the same fixture and launcher)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("baseline", type=Path, help="directory with the baseline libshortinterest.so.1")
    ap.add_argument("--candidate", type=Path, default=REPO / "build" / "lib",
                    help="directory with the candidate libshortinterest.so.1 (default build/lib)")
    ap.add_argument("--pairs", type=int, default=25, help="rounds (default 25)")
    ap.add_argument("--calls", type=int, default=2000, help="calls per run (default 2000)")
    ap.add_argument("--nums", type=int, nargs="+", default=[10, 50], help="page sizes (default 10 50)")
    ap.add_argument("--code", default="US.AAPL")
    add_pin_option(ap)
    args = ap.parse_args()
    builds = {"baseline": args.baseline.resolve(), "candidate": args.candidate.resolve()}
    for name, directory in builds.items():
        if not (directory / "libshortinterest.so.1").exists():
            ap.error("no libshortinterest.so.1 in %s (the %s)" % (directory, name))
    programs = require_programs("floor", "api_calls")

    results = {}   # (num, "floor" | build name) -> list of outputs
    with tempfile.TemporaryDirectory() as tmp:
        fixture = Path(tmp) / "bench-fixture.json"
        bench_fixture(fixture)
        server = start_bench_gateway(fixture)
        host, port = server.host, server.port
        try:
            if args.pin:
                pin_process(server.proc.pid, args.pin[1])
            for round_number in range(args.pairs):
                for num in args.nums:
                    results.setdefault((num, "floor"), []).append(
                        measure("floor", programs, host, port, args.code, num, args.calls, 1, args.pin))
                    for name, directory in builds.items():
                        results.setdefault((num, name), []).append(
                            measure("struct", programs, host, port, args.code, num, args.calls, 1, args.pin,
                                    env=dict(os.environ, LD_LIBRARY_PATH=str(directory))))
                print("round %d of %d done" % (round_number + 1, args.pairs), file=sys.stderr)
        finally:
            stop_server(server)

    print("Command: `python3 bench/c/compare_builds.py %s --candidate %s --pairs %d --calls %d --nums %s%s`; %s; "
          "medians of %d interleaved rounds x %d calls, one thread, one loopback `shortinterest serve --fixture --event-loops 1`."
          % (builds["baseline"], builds["candidate"], args.pairs, args.calls, " ".join(map(str, args.nums)),
             " --pin %d,%d" % args.pin if args.pin else "", machine(), args.pairs, args.calls))
    print()
    print("| num | client | µs/call (median) | client CPU µs/call | of the floor (median of paired runs) |")
    print("|---:|---|---:|---:|---:|")
    for num in args.nums:
        floors = results[(num, "floor")]
        for name in ("floor",) + tuple(builds):
            outs = results[(num, name)]
            wall = statistics.median(o["seconds"] / o["calls"] * 1e6 for o in outs)
            cpu = statistics.median(o["cpu_seconds"] / o["calls"] * 1e6 for o in outs)
            of_floor = statistics.median(o["calls_per_second"] / f["calls_per_second"] for o, f in zip(outs, floors))
            print("| %d | %s | %.1f | %.1f | %.3f |" % (num, name, wall, cpu, of_floor))


if __name__ == "__main__":
    main()
