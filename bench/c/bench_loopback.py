#!/usr/bin/env python3
"""The loopback floor against the C API's struct and JSON paths, and the
client's decoding cost per row.

    make bench && python3 bench/c/bench_loopback.py [--runs 7] [--calls 4000] [--code US.AAPL] [--pin 0,1] [--busy-poll 200]

Starts one loopback `shortinterest serve --fixture` (60 full rows per code,
the fixture of bench/python) and, in each run, measures on it in turn:

- floor: build/bench/floor, a C client without the library sending one
  pre-encoded 3249 frame and reading the whole reply, undecoded;
- struct: build/bench/api_calls ... struct (si_get_page + si_page_free);
- json: build/bench/api_calls ... json (si_get_page_json + si_string_free);

for num 1, 10 and 50, sequentially (1 thread) and from 8 threads (the floor
with 8 connections; the library with 8 threads sharing one client, as its
header allows). Prints the medians of the runs as markdown tables; "of the
floor" is the median of each run's ratio to the floor measured just before
it, which the machine's drift between runs does not move.

Then, sequentially again, the three in one process (build/bench/interleaved):
blocks of 100 calls with each client in turn, milliseconds apart, on the
same thread and the same gateway connection's event loop, so that the
machine's state, which moves separate runs by up to 2x either way, falls on
all three alike. Its "of the floor" is each run's ratio of total times.

The gateway runs with one event loop (--event-loops 1): with one per CPU,
the floor's connection and the library's would go to different loops,
whose speed for a sequential client changed from run to run by up to 5x
here (bench_gateway_loops.py). On one loop, unpinned, the round trip stays
long (about 90 us on this VM); --pin 1,1 shows the short one.

--pin C,G puts the clients on CPU C and every thread of the gateway on CPU G
(0,1: apart; 1,1: sharing one CPU). Unpinned, this 2-vCPU VM flips from one
run to the next between a fast state and one 4-8x slower; pinned, every run
sees the same placement.

--busy-poll US makes every client poll for its reply that many
microseconds before it sleeps: the library through si_config_set_busy_poll,
the floor the same way, so that they still compare like with like. Without
it both sleep at once (the library is given 0: its own default, adaptive
polling, has no floor to match).

Decoding: every program also reports its own process's CPU time, which
excludes the gateway (another process). The client CPU per call at num 50
minus num 1, divided by the 49 extra rows, is the client's cost per row;
the floor's own slope (receiving the bigger reply) is shown beside it.
"""

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "python"))
from runs import add_pin_option, machine, measure, on_client_cpu, pin_process, require_programs, run_program, summary  # noqa: E402
from bench_vs_futu import bench_fixture, start_bench_gateway, stop_server  # noqa: E402  (the same fixture and launcher)

CLIENTS = ("floor", "struct", "json")
BLOCK = 100   # calls a client makes in a row in build/bench/interleaved


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=7, help="runs, at least 5 (default 7)")
    ap.add_argument("--calls", type=int, default=4000, help="calls per measurement (default 4000)")
    ap.add_argument("--code", default="US.AAPL", help="US.AAPL or HK.00700 (default US.AAPL)")
    add_pin_option(ap)
    ap.add_argument("--busy-poll", type=int, default=0, metavar="US",
                    help="microseconds every client polls for a reply before it sleeps: "
                         "si_config_set_busy_poll for the library, the same for the floor (default 0)")
    args = ap.parse_args()
    if args.runs < 5:
        ap.error("--runs must be at least 5")
    programs = require_programs("floor", "api_calls")
    interleaved, = require_programs("interleaved")

    rounds = max(2, args.calls // BLOCK)   # of interleaved's blocks: about --calls calls per client
    settings = [(num, threads) for num in (1, 10, 50) for threads in (1, 8) if num != 1 or threads == 1]
    results = {}   # (client, num, threads) -> list of outputs
    with tempfile.TemporaryDirectory() as tmp:
        fixture = Path(tmp) / "bench-fixture.json"
        bench_fixture(fixture)
        server = start_bench_gateway(fixture)
        try:
            if args.pin:
                pin_process(server.proc.pid, args.pin[1])
            for run in range(args.runs):
                for num, threads in settings:
                    for client in CLIENTS:     # in turn, so that drift on a shared machine hits all alike
                        out = measure(client, programs, server.host, server.port, args.code, num, args.calls,
                                      threads, args.pin, args.busy_poll)
                        results.setdefault((client, num, threads), []).append(out)
                print("run %d of %d done" % (run + 1, args.runs), file=sys.stderr)
            together = {num: [run_program(on_client_cpu([interleaved, server.host, server.port, args.code, num,
                                                         rounds, BLOCK, args.busy_poll], args.pin))
                              for _ in range(args.runs)]
                        for num in (1, 10, 50)}
        finally:
            stop_server(server)

    pin = " --pin %d,%d" % args.pin if args.pin else ""
    pin += " --busy-poll %d" % args.busy_poll if args.busy_poll else ""
    print("Command: `python3 bench/c/bench_loopback.py --runs %d --calls %d --code %s%s`; %s; "
          "medians of %d runs x %d calls, one loopback `shortinterest serve --fixture --event-loops 1`%s."
          % (args.runs, args.calls, args.code, pin, machine(), args.runs, args.calls,
             ", clients on CPU %d, the gateway on CPU %d" % args.pin if args.pin else ""))
    print()
    print("| num | threads | client | calls/s (median) | min | max | µs/call | of the floor (median of paired runs) | client CPU µs/call |")
    print("|---:|---:|---|---:|---:|---:|---:|---:|---:|")
    for num, threads in settings:
        floors = [o["calls_per_second"] for o in results[("floor", num, threads)]]
        for client in CLIENTS:
            outs = results[(client, num, threads)]
            rate, low, high = summary([o["calls_per_second"] for o in outs])
            cpu = summary([o["cpu_seconds"] / o["calls"] * 1e6 for o in outs])[0]
            # Each run measures the floor and then the library right after it:
            # the ratio of such a pair cancels the machine's drift, which on a
            # shared VM moves single runs by 2-4x.
            of_floor = summary([o["calls_per_second"] / base for o, base in zip(outs, floors)])[0]
            print("| %d | %d | %s | %.0f | %.0f | %.0f | %.1f | %.2f | %.1f |"
                  % (num, threads, client, rate, low, high, 1e6 / rate, of_floor, cpu))
    print()
    rows = {num: results[("struct", num, 1)][0]["rows"] for num in (1, 50)}
    print("Client CPU per row, sequential, (num 50 - num 1) / %d rows:" % (rows[50] - rows[1]))
    print()
    print("| client | CPU µs/call num 1 | CPU µs/call num 50 | ns/row |")
    print("|---|---:|---:|---:|")
    for client in CLIENTS:
        cpu = {num: summary([o["cpu_seconds"] / o["calls"] * 1e6 for o in results[(client, num, 1)]])[0]
               for num in (1, 50)}
        print("| %s | %.1f | %.1f | %.0f |" % (client, cpu[1], cpu[50], (cpu[50] - cpu[1]) * 1e3 / (rows[50] - rows[1])))
    print()
    print("Sequential, the three interleaved in one process (build/bench/interleaved, blocks of %d calls, "
          "%d calls per client a run), medians of %d runs:" % (BLOCK, rounds * BLOCK, args.runs))
    print()
    print("| num | client | calls/s (median) | min | max | µs/call | of the floor (median of runs) | min | max | client CPU µs/call |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for num, outs in together.items():
        for client in CLIENTS:
            rate, low, high = summary([o[client + "_calls_per_second"] for o in outs])
            ratio = summary([o[client + "_of_floor"] for o in outs]) if client != "floor" else (1, 1, 1)
            cpu = summary([o[client + "_cpu_us"] for o in outs])[0]
            print("| %d | %s | %.0f | %.0f | %.0f | %.1f | %.2f | %.2f | %.2f | %.1f |"
                  % (num, client, rate, low, high, 1e6 / rate, *ratio, cpu))


if __name__ == "__main__":
    main()
