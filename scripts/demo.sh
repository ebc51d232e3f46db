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
