#!/usr/bin/env python3
"""Does it matter which of the gateway's event loops serves a sequential client?

    make bench && python3 bench/c/bench_gateway_loops.py [--runs 7] [--rounds 40] [--num 10]

Runs build/bench/two_floors (two identical floor connections, taking turns
in blocks of 100 calls) against a loopback `shortinterest serve --fixture`
with its default event loops (one per CPU: the two connections land on
different loops) and against one with `--event-loops 1`, the two gateways
in turn, each run a fresh pair of connections. Prints both connections'
calls per second and their ratio, per run and as medians: a ratio far from
1 on the default gateway, near 1 on the one-loop gateway, is why every
bench gateway runs with one loop (start_bench_gateway in
bench/python/bench_vs_futu.py).
"""

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "python"))
from runs import machine, require_programs, run_program, summary  # noqa: E402
from bench_vs_futu import bench_fixture, start_bench_gateway, start_server, stop_server  # noqa: E402

BLOCK = 100


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=7, help="runs per gateway, at least 5 (default 7)")
    ap.add_argument("--rounds", type=int, default=40, help="rounds of two blocks of 100 calls a run (default 40)")
    ap.add_argument("--num", type=int, default=10, help="page size (default 10)")
    ap.add_argument("--code", default="US.AAPL")
    args = ap.parse_args()
    if args.runs < 5:
        ap.error("--runs must be at least 5")
    two_floors, = require_programs("two_floors")

    with tempfile.TemporaryDirectory() as tmp:
        fixture = Path(tmp) / "bench-fixture.json"
        bench_fixture(fixture)
        gateways = {"default (one loop per CPU)": start_server(fixture=fixture),
                    "--event-loops 1": start_bench_gateway(fixture)}
        results = {name: [] for name in gateways}
        try:
            for _ in range(args.runs):
                for name, server in gateways.items():
                    results[name].append(run_program([two_floors, server.host, server.port, args.code, args.num,
                                                      args.rounds, BLOCK]))
        finally:
            for server in gateways.values():
                stop_server(server)

    print("Command: `python3 bench/c/bench_gateway_loops.py --runs %d --rounds %d --num %d --code %s`; %s; "
          "two floor connections taking turns, blocks of %d calls, %d calls each a run."
          % (args.runs, args.rounds, args.num, args.code, machine(), BLOCK, args.rounds * BLOCK))
    print()
    print("| gateway | run | first connection calls/s | second | second / first |")
    print("|---|---:|---:|---:|---:|")
    for name, outs in results.items():
        for run, out in enumerate(outs, 1):
            print("| %s | %d | %.0f | %.0f | %.2f |" % (name, run, out["first_calls_per_second"],
                                                       out["second_calls_per_second"], out["second_of_first"]))
        ratio, low, high = summary([o["second_of_first"] for o in outs])
        print("| %s | median | %.0f | %.0f | %.2f (%.2f–%.2f) |"
              % (name, summary([o["first_calls_per_second"] for o in outs])[0],
                 summary([o["second_calls_per_second"] for o in outs])[0], ratio, low, high))


if __name__ == "__main__":
    main()
