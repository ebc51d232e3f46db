#!/usr/bin/env python3
"""Where a DataFrame call's time goes: the round trip, reading the page, each frame.

    python3 bench/python/breakdown.py [--calls 2000] [--runs 5] [--code US.AAPL] [--num 10] [--busy-poll adaptive]

Against a loopback `shortinterest serve --fixture` (the fixture of
bench_vs_futu.py), each run makes CALLS calls and times each part around
itself inside the loop: `si_get_page` + `si_page_free` through ctypes,
reading the page (`Page.read`), the US frame and the HK frame. It then
times the same reading and frames alone (`timeit`, warm caches) on one page.
Prints the medians of the runs, in µs per call.
"""

import argparse
import ctypes
import statistics
import sys
import tempfile
import time
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_vs_futu import bench_fixture, busy_poll_setting, start_bench_gateway, stop_server  # noqa: E402  (the same fixture and launcher)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--calls", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--code", default="US.AAPL")
    ap.add_argument("--num", type=int, default=10)
    ap.add_argument("--busy-poll", type=busy_poll_setting, default="adaptive", metavar="SECONDS",
                    help="the context's busy_poll: 'adaptive' (the default), 0 or seconds")
    args = ap.parse_args()

    import shortinterest
    from shortinterest import _lib
    from shortinterest._frames import Page

    code = args.code.encode()
    parts = ("round trip", "read", "us frame", "hk frame")
    in_loop = {part: [] for part in parts}
    with tempfile.TemporaryDirectory() as tmp:
        fixture = Path(tmp) / "bench-fixture.json"
        bench_fixture(fixture)
        server = start_bench_gateway(fixture)
        context = shortinterest.OpenQuoteContext(host=server.host, port=server.port, rate_limit=None,
                                                 busy_poll=args.busy_poll)
        lib, client = context._lib, context._client

        def fetch():
            page = ctypes.POINTER(_lib.SIPage)()
            if lib.si_get_page(client, code, None, args.num, ctypes.byref(page)) != _lib.SI_OK:
                raise SystemExit(_lib.last_error(lib)[1])
            return page

        try:
            warm_up = fetch()                   # imports pandas, builds the layouts
            Page.read(warm_up, _lib.MARKET_NAMES).frames()
            lib.si_page_free(warm_up)
            now = time.perf_counter
            for _ in range(args.runs):
                totals = dict.fromkeys(parts, 0.0)
                for _ in range(args.calls):
                    t0 = now()
                    page = fetch()
                    t1 = now()
                    read = Page.read(page, _lib.MARKET_NAMES)
                    lib.si_page_free(page)
                    t2 = now()
                    read.us.frame(read.next_key)
                    t3 = now()
                    read.hk.frame(read.next_key)
                    t4 = now()
                    for part, seconds in zip(parts, (t1 - t0, t2 - t1, t3 - t2, t4 - t3)):
                        totals[part] += seconds
                for part in parts:
                    in_loop[part].append(totals[part] / args.calls * 1e6)

            page = fetch()
            read = Page.read(page, _lib.MARKET_NAMES)
            alone = {
                "read": lambda: Page.read(page, _lib.MARKET_NAMES),
                "us frame": lambda: read.us.frame(read.next_key),
                "hk frame": lambda: read.hk.frame(read.next_key),
            }
            alone_us = {part: statistics.median(timeit.repeat(fn, number=args.calls, repeat=args.runs))
                        / args.calls * 1e6 for part, fn in alone.items()}
            lib.si_page_free(page)
        finally:
            context.close()
            stop_server(server)

    print("%s num %d, busy_poll=%s, medians of %d runs x %d calls:"
          % (args.code, args.num, args.busy_poll, args.runs, args.calls))
    print()
    print("| part | µs/call in the loop | µs/call alone |")
    print("|---|---:|---:|")
    for part in parts:
        single = alone_us.get(part)
        print("| %s | %.0f | %s |" % (part, statistics.median(in_loop[part]), "%.0f" % single if single else "—"))


if __name__ == "__main__":
    main()
