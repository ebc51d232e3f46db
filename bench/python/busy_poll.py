#!/usr/bin/env python3
"""What busy polling buys one Python thread calling a gateway in a loop.

    python3 bench/python/busy_poll.py [--calls 3000] [--pairs 5] [--code US.AAPL] [--num 10] [--settings adaptive 0]

Against a loopback `shortinterest serve --fixture` (the fixture of
bench_vs_futu.py), one context per busy_poll setting, each makes CALLS
DataFrame calls (`get_short_interest`) in turn, PAIRS times. For each it
reports wall time, this thread's CPU time (getrusage RUSAGE_THREAD) and its
voluntary context switches (how often it slept) per call: medians over the
turns.
"""

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_vs_futu import bench_fixture, busy_poll_setting, start_bench_gateway, stop_server  # noqa: E402


def thread_sleeps():
    """How often this thread has gone to sleep (voluntary context switches)."""
    with open("/proc/thread-self/status") as status:
        for line in status:
            if line.startswith("voluntary_ctxt_switches"):
                return int(line.split()[1])
    raise RuntimeError("no voluntary_ctxt_switches in /proc/thread-self/status")


def thread_cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_THREAD)
    return usage.ru_utime + usage.ru_stime


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--calls", type=int, default=3000)
    ap.add_argument("--pairs", type=int, default=5, help="turns of each setting (default 5)")
    ap.add_argument("--code", default="US.AAPL")
    ap.add_argument("--num", type=int, default=10)
    ap.add_argument("--settings", type=busy_poll_setting, nargs="+", default=["adaptive", 0.0],
                    help="busy_poll values to compare (default: adaptive 0)")
    args = ap.parse_args()

    import shortinterest

    measured = {setting: [] for setting in args.settings}
    with tempfile.TemporaryDirectory() as tmp:
        fixture = Path(tmp) / "bench-fixture.json"
        bench_fixture(fixture)
        server = start_bench_gateway(fixture)
        contexts = {setting: shortinterest.OpenQuoteContext(host=server.host, port=server.port, rate_limit=None,
                                                            busy_poll=setting) for setting in args.settings}
        try:
            for context in contexts.values():
                for _ in range(50):             # connects, imports pandas, learns the round trip
                    context.get_short_interest(args.code, num=args.num)
            for _ in range(args.pairs):
                for setting, context in contexts.items():
                    sleeps, cpu, wall = thread_sleeps(), thread_cpu_seconds(), time.perf_counter()
                    for _ in range(args.calls):
                        ret, _, _ = context.get_short_interest(args.code, num=args.num)
                        assert ret == shortinterest.RET_OK
                    wall, cpu, sleeps = (time.perf_counter() - wall, thread_cpu_seconds() - cpu,
                                         thread_sleeps() - sleeps)
                    measured[setting].append((wall / args.calls * 1e6, cpu / args.calls * 1e6, sleeps / args.calls))
        finally:
            for context in contexts.values():
                context.close()
            stop_server(server)

    print("%s num %d, DataFrame calls, medians of %d turns x %d calls:" % (args.code, args.num, args.pairs, args.calls))
    print()
    print("| busy_poll | µs/call | CPU µs/call | sleeps/call |")
    print("|---|---:|---:|---:|")
    for setting, turns in measured.items():
        wall, cpu, sleeps = (statistics.median(column) for column in zip(*turns))
        print("| %s | %.0f | %.0f | %.3f |" % (setting, wall, cpu, sleeps))


if __name__ == "__main__":
    main()
