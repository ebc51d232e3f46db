#!/usr/bin/env bash
# The main job: free public files (samples/) → a local store → an
# OpenD-compatible gateway → C consumers, embedded and over OpenD's protocol.
set -euo pipefail
cd "$(dirname "$0")/.."
out=build/demo
mkdir -p "$out"
export PKG_CONFIG_PATH="$PWD/build/lib"
gcc -std=c99 -O2 bindings/c/json_table.c -o "$out/json_table" $(pkg-config --cflags --libs shortinterest jansson)
gcc -std=c99 -O2 bindings/c/history.c -o "$out/history" $(pkg-config --cflags --libs shortinterest)

store="$out/store.sqlite"
rm -f "$store" "$store-wal" "$store-shm"
echo "== samples → $store =="
build/bin/shortinterest ingest finra samples/finra/*.csv --store "$store"
build/bin/shortinterest ingest sfc samples/sfc/*.csv --store "$store"
build/bin/shortinterest ingest reference samples/reference.csv --store "$store"
echo
echo "== HK.00700 from the store, embedded (C, JSON API, jansson) =="
"$out/json_table" --store "$store" HK.00700

build/bin/shortinterest serve --store "$store" --port 0 > "$out/serve.out" 2> "$out/serve.log" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q listening "$out/serve.out" && break; sleep 0.1; done
port=$(sed -n 's/^listening on .*:\([0-9]*\)$/\1/p' "$out/serve.out")
echo
echo "== US.AAPL through the gateway on 127.0.0.1:$port, OpenD's protocol (C, struct API) =="
"$out/history" 127.0.0.1 "$port" US.AAPL
echo
echo "== The same gateway from Python: this package and futu-api (PyPI) side by side =="
python3 - "$port" "$store" <<'PY'
import sys
import pandas as pd
from shortinterest import OpenQuoteContext
import futu
from futu.common.ft_logger import logger
logger.console_level = 100
port, store = int(sys.argv[1]), sys.argv[2]
pd.set_option("display.width", 200)
pd.set_option("display.max_columns", None)
ours = OpenQuoteContext(host="127.0.0.1", port=port, rate_limit=None)
ret, us_df, hk_df = ours.get_short_interest("HK.00700")
print("shortinterest over the gateway, HK.00700:")
print(hk_df)
theirs = futu.OpenQuoteContext(host="127.0.0.1", port=port)
_, futu_us, _ = theirs.get_short_interest("US.AAPL")
print("\nfutu-api over the gateway, US.AAPL:")
print(futu_us)
theirs.close()
ours.close()
with OpenQuoteContext(store=store) as embedded:
    _, same, _ = embedded.get_short_interest("US.AAPL")
print("\nidentical DataFrame from the store, embedded:", same.equals(futu_us))
PY
