#!/usr/bin/env bash
# The C side of the test command: the shipped library's shape, the header's
# portability, the argument checks, and both consumers against a live gateway.
set -euo pipefail
cd "$(dirname "$0")/../../.."
root=$PWD
out=build/c-tests
mkdir -p "$out"
export PKG_CONFIG_PATH="$root/build/lib"
. bindings/c/tests/common.sh

lib=build/lib/libshortinterest.so
if ldd "$lib" | grep -q libswift; then fail "ldd shows libswift"; ldd "$lib"; else pass "ldd: no libswift in $(ldd "$lib" | wc -l) dependencies"; fi
exports=$(readelf --dyn-syms -W "$lib" | awk 'NR > 3 && $5 != "LOCAL" && $7 != "UND" && $8 != "" {print $8}')
if [ -n "$exports" ] && ! grep -qv '^si_' <<<"$exports"; then pass "exports: only si_* ($(wc -l <<<"$exports") symbols)"; else fail "exports other than si_*:"; grep -v '^si_' <<<"$exports" | head; fi
[ "$(readelf -d "$lib" | grep -o 'libshortinterest.so.[0-9]*')" = libshortinterest.so.1 ] && pass "SONAME libshortinterest.so.1" || fail "SONAME"

printf '#include <shortinterest.h>\nint main(void) { return si_version_number() == SI_VERSION_NUMBER ? 0 : 1; }\n' > "$out/header.c"
cp "$out/header.c" "$out/header.cpp"
gcc -std=c99 -Wall -Wextra -Werror -pedantic $(pkg-config --cflags shortinterest) -c "$out/header.c" -o "$out/header_c.o" && pass "header: gcc -std=c99 -Wall -Wextra -Werror -pedantic" || fail "header: gcc c99"
g++ -Wall -Wextra -Werror $(pkg-config --cflags shortinterest) -c "$out/header.cpp" -o "$out/header_cpp.o" && pass "header: g++ -Wall -Wextra -Werror" || fail "header: g++"

cflags="-std=c99 -Wall -Wextra -Werror -pedantic -g -D_POSIX_C_SOURCE=200809L"
gcc $cflags bindings/c/json_table.c -o "$out/json_table" $(pkg-config --cflags --libs shortinterest jansson)
gcc $cflags bindings/c/history.c -o "$out/history" $(pkg-config --cflags --libs shortinterest)
gcc $cflags bindings/c/tests/abi_checks.c -o "$out/abi_checks" $(pkg-config --cflags --libs shortinterest)
gcc $cflags -pthread bindings/c/tests/histories.c -o "$out/histories" $(pkg-config --cflags --libs shortinterest)
stress_flags="-std=c11 -Wall -Wextra -Werror -g -D_POSIX_C_SOURCE=200809L -pthread"
gcc $stress_flags bindings/c/tests/stress.c -o "$out/stress" $(pkg-config --cflags --libs shortinterest)
gcc $stress_flags bindings/c/tests/config_threads.c -o "$out/config_threads" $(pkg-config --cflags --libs shortinterest)
gcc $stress_flags -O1 -fsanitize=address -fno-omit-frame-pointer bindings/c/tests/stress.c -o "$out/stress_asan" \
    $(pkg-config --cflags --libs shortinterest)
pass "consumers build with pkg-config"

start_gateway serve --fixture Tests/fixtures/histories.json
port=$gateway_port

# 16 threads x 10,000 calls on one client, some invalid, closed while calls
# are in flight: plainly, then under AddressSanitizer with LeakSanitizer.
if "$out/stress" 127.0.0.1 "$port" 16 10000 > "$out/stress.out"; then pass "stress: $(head -1 "$out/stress.out" | cut -c6-)"; else fail "stress"; cat "$out/stress.out"; fi
if ASAN_OPTIONS=detect_leaks=1 "$out/stress_asan" 127.0.0.1 "$port" 16 10000 > "$out/stress_asan.out" 2>&1 \
        && ! grep -q "ERROR: \(Address\|Leak\)Sanitizer" "$out/stress_asan.out"; then
    pass "stress under AddressSanitizer and LeakSanitizer: 0 reports"
else
    fail "stress under AddressSanitizer/LeakSanitizer"; grep -A20 "Sanitizer" "$out/stress_asan.out" | head -40
fi

for program in abi_checks histories config_threads; do
    if "$out/$program" 127.0.0.1 "$port" > "$out/$program.out"; then pass "$program: $(tail -1 "$out/$program.out")"; else fail "$program"; grep -v '^ok' "$out/$program.out"; fi
done

"$out/json_table" 127.0.0.1 "$port" HK.00700 > "$out/json_table.out"
expect "json_table: HK.00700 has 10 rows" "$out/json_table.out" '^HK\.00700 \(10 rows\)$'
expect "json_table: the newest row" "$out/json_table.out" '^ +1777478400 +2026-04-30 +51480638 +0\.5600 +467\.8000 +479\.2000$'
expect "json_table: the oldest row" "$out/json_table.out" '^ +1772121600 +2026-02-27 +36037870 +0\.3900 +518\.0000 +512\.0000$'
expect "json_table: last page" "$out/json_table.out" '^next_key: -1$'
"$out/json_table" 127.0.0.1 "$port" US.HOLES > "$out/json_sparse.out"
expect "json_table: absent cells shown as -" "$out/json_sparse.out" '^ +- +2026-04-15( +-){6}$'
expect "json_table: 2^53 + 1 exact" "$out/json_sparse.out" ' 9007199254740993 '

"$out/history" 127.0.0.1 "$port" HK.00700 3 > "$out/history.out"
expect "history: pages through 10 rows in 4 pages" "$out/history.out" '^HK\.00700: 10 rows in 4 pages$'
expect "history: newest row" "$out/history.out" '^2026-04-30 ts=1777478400 short=51480638 ratio=0\.56 close=467\.8 last=479\.2$'
expect "history: oldest row" "$out/history.out" '^2026-02-27 ts=1772121600 short=36037870 ratio=0\.39 close=518 last=512$'
"$out/history" 127.0.0.1 "$port" US.SPARSE 1 > "$out/history_sparse.out"
expect "history: absent fields are not printed" "$out/history_sparse.out" '^2026-04-15$'
if "$out/history" 127.0.0.1 "$port" US.NOPE 2> "$out/history_nope.err" >/dev/null; then fail "history: unknown code fails"; else
    expect "history: unknown code is SI_ERR_REJECTED" "$out/history_nope.err" '^error: SI_ERR_REJECTED: unknown stock US\.NOPE$'; fi

# A cache answers a repeated whole history without OpenD: read it once, stop
# the gateway, read it again.
start_gateway serve_cache --fixture Tests/fixtures/histories.json
cache_server=$gateway_pid cache_port=$gateway_port
rm -f "$out/cache.sqlite"*
"$out/histories" 127.0.0.1 "$cache_port" "$out/cache.sqlite" > "$out/cache1.out" || true
kill $cache_server; wait $cache_server 2>/dev/null || true
"$out/histories" 127.0.0.1 "$cache_port" "$out/cache.sqlite" > "$out/cache2.out" || true
"$out/histories" 127.0.0.1 "$cache_port" "$out/cache-empty.sqlite" > "$out/cache3.out" || true
expect "cache: the history from the gateway" "$out/cache1.out" '^US\.LONG: 120 rows$'
expect "cache: the same history with the gateway gone" "$out/cache2.out" '^US\.LONG: 120 rows$'
expect "cache: an empty cache with the gateway gone cannot answer" "$out/cache3.out" '^SI_ERR_CONNECT: '

# The same consumers on a store made from samples/: embedded, and through a gateway over it.
store="$out/store.sqlite"
rm -f "$store" "$store-wal" "$store-shm"
build/bin/shortinterest ingest sfc samples/sfc/*.csv --store "$store" > /dev/null
build/bin/shortinterest ingest reference samples/reference.csv --store "$store" > /dev/null
"$out/history" --store "$store" HK.00700 4 > "$out/history_store.out"
expect "store: HK.00700 from public files, 10 rows in 3 pages" "$out/history_store.out" '^HK\.00700: 10 rows in 3 pages$'
expect "store: the seed's newest row, derived fields included" "$out/history_store.out" '^2026-04-30 ts=1777478400 short=51480638 ratio=0\.56 close=467\.8 last=479\.2$'
start_gateway serve_store --store "$store"
store_port=$gateway_port
"$out/history" 127.0.0.1 "$store_port" HK.00700 4 > "$out/history_gateway.out"
if cmp -s "$out/history_store.out" "$out/history_gateway.out"; then pass "gateway over the store answers as the store does"; else fail "gateway over the store"; diff "$out/history_store.out" "$out/history_gateway.out" | head; fi
if "$out/history" --store "$out/no-such-store.sqlite" HK.00700 2> "$out/nostore.err"; then fail "a missing store fails"; else
    expect "a missing store is SI_ERR_STORE-clear" "$out/nostore.err" 'no store at'; fi

if command -v valgrind >/dev/null; then
    # valgrind_lost NAME COMMAND...: "BYTES BLOCKS" definitely lost when COMMAND runs under valgrind.
    valgrind_lost() {
        local name=$1
        shift
        valgrind --leak-check=full "$@" > /dev/null 2> "$out/valgrind_$name.log" || true
        if grep -q "no leaks are possible" "$out/valgrind_$name.log"; then echo "0 0"; return; fi
        sed -n 's/.*definitely lost: \([0-9,]*\) bytes in \([0-9,]*\) blocks.*/\1 \2/p' "$out/valgrind_$name.log"
    }
    # 10 pages of one row, read 100 times: 1,000 calls, no rate limit (a local gateway).
    lost=$(valgrind_lost history "$out/history" 127.0.0.1 "$port" HK.00700 1 100 0)
    if [ "$lost" = "0 0" ]; then
        pass "valgrind history: 1,000 calls, 0 bytes definitely lost"
    else
        fail "valgrind history: definitely lost $lost (bytes blocks)"
    fi
    lost=$(valgrind_lost json_table "$out/json_table" 127.0.0.1 "$port" US.HOLES)
    if [ "$lost" = "0 0" ]; then
        pass "valgrind json_table: 0 bytes definitely lost"
    else
        fail "valgrind json_table: definitely lost $lost (bytes blocks)"
    fi
else
    fail "valgrind is not installed"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
