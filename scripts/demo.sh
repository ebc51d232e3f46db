#!/usr/bin/env bash
# The main job: start an OpenD-compatible gateway on loopback and read
# short-interest history through it with the C consumers, over OpenD's own
# protocol.
set -euo pipefail
cd "$(dirname "$0")/.."
out=build/demo
mkdir -p "$out"
export PKG_CONFIG_PATH="$PWD/build/lib"
gcc -std=c99 -O2 bindings/c/json_table.c -o "$out/json_table" $(pkg-config --cflags --libs shortinterest jansson)
gcc -std=c99 -O2 bindings/c/history.c -o "$out/history" $(pkg-config --cflags --libs shortinterest)

build/bin/shortinterest serve --fixture bindings/c/tests/fixture.json --port 0 > "$out/serve.out" 2> "$out/serve.log" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q listening "$out/serve.out" && break; sleep 0.1; done
port=$(sed -n 's/^listening on .*:\([0-9]*\)$/\1/p' "$out/serve.out")

echo "== gateway on 127.0.0.1:$port; HK.00700 through the JSON API (jansson) =="
"$out/json_table" 127.0.0.1 "$port" HK.00700
echo
echo "== US.AAPL, whole history through the struct API =="
"$out/history" 127.0.0.1 "$port" US.AAPL
