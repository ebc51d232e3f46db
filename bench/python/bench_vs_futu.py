#!/usr/bin/env python3
"""Calls per second: the `shortinterest` Python package against futu-api.

Both clients ask the same loopback `shortinterest serve --fixture` (started
here on port 0, as the tests do) for the newest page of one code, N calls a
run, several runs each, alternating clients; the table shows the median.
Before timing, the script checks that both return identical DataFrames.

    python3 bench/python/bench_vs_futu.py [--calls 300] [--runs 7] [--nums 10 50] [--pin 0,1]

--pin C,G puts this process (both clients, and futu-api's network thread)
on CPU C and every thread of the gateway on CPU G, as bench/c/bench_loopback.py
does.

Needs build/bin/shortinterest and build/lib/libshortinterest.so (make lib cli),
futu-api and pandas.  Prints a markdown table.
"""

import argparse
import datetime
import json
import os
import platform
import shlex
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bindings" / "python" / "tests"))
sys.path.insert(0, str(REPO / "bench"))
from conftest import LIB, SERVER_BIN, quiet_futu, start_server, stop_server  # noqa: E402  (the tests' own launcher)
from runs import add_pin_option, pin_process  # noqa: E402


def bench_fixture(path, rows=60):
    """A fixture with `rows` full rows per code, so that num 50 fills a page."""
    hk, us = [], []
    day = datetime.date(2026, 4, 30)
    hk8 = datetime.timezone(datetime.timedelta(hours=8))
    ny = datetime.timezone(datetime.timedelta(hours=-4))       # close enough for a bench
    for i in range(rows):
        d = day - datetime.timedelta(days=7 * i)
        hk.append({"timestamp": int(datetime.datetime(d.year, d.month, d.day, tzinfo=hk8).timestamp()),
                   "timestamp_str": d.isoformat(), "aggregated_short": 51480638 - 1000 * i,
                   "aggregated_short_ratio": round(0.56 - i / 1000, 3),
                   "close_price": round(467.8 + i * 0.7, 2), "last_close_price": round(479.2 + i * 0.5, 2)})
        d = day - datetime.timedelta(days=15 * i)
        us.append({"timestamp": int(datetime.datetime(d.year, d.month, d.day, tzinfo=ny).timestamp()),
                   "timestamp_str": d.isoformat(), "shares_short": 134675274 - 10000 * i,
                   "short_percent": round(0.91 - i / 1000, 3), "avg_daily_share_volume": 45944025 + 777 * i,
                   "days_to_cover": round(2.93 + i / 100, 2), "close_price": round(271.35 + i, 2),
                   "last_close_price": round(270.1 + i, 2)})
    path.write_text(json.dumps({"HK.00700": hk, "US.AAPL": us}))


def start_bench_gateway(fixture):
    """A loopback `shortinterest serve --fixture` with one event loop, for
    every client compared on it. With the default, one per CPU, consecutive
    connections go to different event loops, and on this 2-vCPU VM a
    sequential connection with a loop to itself ran at 10,000 to 56,000
    calls/s from one run to the next, while on one shared loop every
    connection held at 10,000-12,500 (bench/c/bench_gateway_loops.py): a
    comparison on the default gateway would measure which state each
    client's loop was in."""
    return start_server(source=["--fixture", str(fixture), "--event-loops", "1"])


def time_calls(fn, calls):
    t0 = time.perf_counter()
    for _ in range(calls):
        ret = fn()
        if ret[0] != 0:
            raise SystemExit("a call failed: %r" % (ret[1],))
    return calls / (time.perf_counter() - t0)


def busy_poll_setting(text):
    return text if text == "adaptive" else float(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--calls", type=int, default=300, help="calls per run (default 300)")
    ap.add_argument("--runs", type=int, default=7, help="runs per client, at least 5 (default 7)")
    ap.add_argument("--nums", type=int, nargs="+", default=[10, 50], help="page sizes (default 10 50)")
    ap.add_argument("--codes", nargs="+", default=["HK.00700", "US.AAPL"])
    ap.add_argument("--busy-poll", type=busy_poll_setting, default="adaptive", metavar="SECONDS",
                    help="this package's busy_poll: 'adaptive' (its default and this one's), "
                         "0 (sleep at once) or seconds; futu-api has none")
    add_pin_option(ap)
    args = ap.parse_args()
    if args.runs < 5:
        ap.error("--runs must be at least 5")
    if args.pin:
        os.sched_setaffinity(0, {args.pin[0]})     # before futu-api starts its thread, which inherits it
    for p in (SERVER_BIN, LIB):
        if not p.exists():
            sys.exit("missing %s: run `make lib cli` first" % p)

    import pandas as pd
    from pandas.testing import assert_frame_equal
    quiet_futu()
    import futu
    import shortinterest

    tmp = tempfile.TemporaryDirectory()
    fixture = Path(tmp.name) / "bench-fixture.json"
    bench_fixture(fixture)
    server = start_bench_gateway(fixture)
    if args.pin:
        pin_process(server.proc.pid, args.pin[1])
    host, port = server.host, server.port
    # A local gateway: no client-side rate limit (futu-api has none either).
    ours = shortinterest.OpenQuoteContext(host=host, port=port, rate_limit=None, busy_poll=args.busy_poll)
    theirs = futu.OpenQuoteContext(host=host, port=port)
    results = []
    try:
        for code in args.codes:
            for num in args.nums:
                # identical DataFrames first
                a, b = ours.get_short_interest(code, num=num), theirs.get_short_interest(code, num=num)
                assert a[0] == b[0] == 0, (a[1], b[1])
                for x, y in ((a[1], b[1]), (a[2], b[2])):
                    assert_frame_equal(x, y, check_exact=True)
                    assert x.attrs == y.attrs
                rows = len(a[1]) + len(a[2])
                clients = {
                    "futu-api get_short_interest": lambda: theirs.get_short_interest(code, num=num),
                    "shortinterest get_short_interest": lambda: ours.get_short_interest(code, num=num),
                    "shortinterest get_short_interest_records": lambda: ours.get_short_interest_records(code, num=num),
                }
                for fn in clients.values():                 # warm-up
                    time_calls(fn, max(5, args.calls // 20))
                rates = {name: [] for name in clients}
                for _ in range(args.runs):
                    for name, fn in clients.items():
                        rates[name].append(time_calls(fn, args.calls))
                base = statistics.median(rates["futu-api get_short_interest"])
                for name in clients:
                    med = statistics.median(rates[name])
                    results.append((code, num, rows, name, med, min(rates[name]), max(rates[name]), med / base))
    finally:
        ours.close()
        theirs.close()
        stop_server(server)
        tmp.cleanup()

    cmd = " ".join(shlex.quote(a) for a in [Path(sys.executable).name, os.path.relpath(__file__, REPO)] + sys.argv[1:])
    print("Command: `%s` (from the repository root)" % cmd)
    print()
    print("Python %s, pandas %s, numpy %s, futu-api %s, libshortinterest %s; %s, %d CPUs; "
          "median of %d runs x %d calls, loopback `shortinterest serve --fixture --event-loops 1`%s; "
          "this package's busy_poll=%s; DataFrames checked identical (assert_frame_equal) before timing."
          % (platform.python_version(), pd.__version__, __import__("numpy").__version__,
             getattr(futu, "__version__", "?"), shortinterest.library_version(),
             platform.machine(), os.cpu_count(), args.runs, args.calls,
             " (clients on CPU %d, the gateway on CPU %d)" % args.pin if args.pin else "", args.busy_poll))
    print()
    print("| code | num | rows | client | calls/s (median) | min | max | µs/call | vs futu-api |")
    print("|---|---:|---:|---|---:|---:|---:|---:|---:|")
    for code, num, rows, name, med, lo, hi, ratio in results:
        print("| %s | %d | %d | %s | %.0f | %.0f | %.0f | %.0f | %.2fx |"
              % (code, num, rows, name, med, lo, hi, 1e6 / med, ratio))


if __name__ == "__main__":
    main()
