"""Whole histories of many codes through a gateway that enforces OpenD's
limit on a scaled window, read with this project's Python binding.

    python3 bench/rate_limit/bench_many_codes.py [--codes 100] [--rows 120] [--limit 30] [--window 3] [--runs 5]

Reports, per run, the requests sent, the time taken, the requests per window
achieved against the limit (ideal: the limit; the client keeps 1 % in hand),
and the gateway's rejections (target 0).  Needs `make lib cli`.
"""

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bindings" / "python" / "tests"))
from conftest import start_server, stop_server  # noqa: E402  (the tests' own launcher)


def fixture(path, codes, rows):
    histories = {}
    for index in range(codes):
        histories["US.C%03d" % index] = [
            {"timestamp": 1777521600 - r * 1296000, "timestamp_str": "r%03d" % r, "shares_short": 1000 + r}
            for r in range(rows)]
    path.write_text(json.dumps(histories))
    return sorted(histories)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--codes", type=int, default=100)
    parser.add_argument("--rows", type=int, default=120)
    parser.add_argument("--limit", type=int, default=30)
    parser.add_argument("--window", type=float, default=3.0)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from shortinterest import RET_OK, OpenQuoteContext
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        codes = fixture(Path(tmp) / "many.json", args.codes, args.rows)
        pages = -(-args.rows // 50)
        requests = args.codes * pages
        for run in range(args.runs):
            log = Path(tmp) / ("serve-%d.log" % run)
            server = start_server(fixture=Path(tmp) / "many.json", log_path=log,
                                  source=["--fixture", str(Path(tmp) / "many.json"),
                                          "--rate-limit", "%d/%dms" % (args.limit, args.window * 1000)])
            try:
                with OpenQuoteContext(host=server.host, port=server.port,
                                      rate_limit=(args.limit, args.window)) as ctx:
                    started = time.monotonic()
                    results = ctx.get_short_interest_many(codes)
                    elapsed = time.monotonic() - started
            finally:
                stop_server(server)
            complete = sum(1 for ret, us, _ in results.values() if ret == RET_OK and len(us) == args.rows)
            rejections = log.read_text().count("refused over the rate limit")
            # The first `limit` requests go at once; the rest at most `limit` per window.
            ideal = (requests - args.limit) / args.limit * args.window
            per_window = (requests - args.limit) / (elapsed / args.window)
            rows.append((elapsed, per_window / args.limit, rejections, complete))
            print("run %d: %d requests in %.2f s (ideal %.2f s): %.2f per window = %.3f of the limit; "
                  "%d rejections; %d/%d histories complete"
                  % (run + 1, requests, elapsed, ideal, per_window, per_window / args.limit, rejections,
                     complete, args.codes), flush=True)
    print("\nmedian over %d runs: %.2f s, %.3f of the limit, %d rejections in all"
          % (args.runs, statistics.median(r[0] for r in rows), statistics.median(r[1] for r in rows),
             sum(r[2] for r in rows)))


if __name__ == "__main__":
    main()
