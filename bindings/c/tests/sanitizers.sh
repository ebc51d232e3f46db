#!/usr/bin/env bash
# The stress program and both consumers under ThreadSanitizer, then under
# AddressSanitizer with LeakSanitizer, with the library's Swift code
# instrumented too (`make lib-tsan lib-asan`). The C side is built with the
# Swift toolchain's clang: its sanitizer runtime, linked into the program,
# is the one the instrumented library calls, so both sides share it.
#
#   sanitizers.sh [THREADS [CALLS]]    stress size, 16 x 10,000 by default
set -euo pipefail
cd "$(dirname "$0")/../../.."
root=$PWD
out=build/c-tests/sanitizers
mkdir -p "$out"
. bindings/c/tests/common.sh
threads=${1:-16} calls=${2:-10000}
toolchain=$(dirname "$(readlink -f "$(command -v swift)")")
clang=$toolchain/clang
# The toolchain's ThreadSanitizer runtime intercepts libdispatch (so that it
# sees the semaphores the library waits on) and so links against it.
swift_runtime=$toolchain/../lib/swift/linux

start_gateway serve --fixture Tests/fixtures/histories.json
port=$gateway_port

# clean NAME LOG COMMAND...: COMMAND exits 0 and LOG (its output) holds no
# report matching $report.
clean() {
    local name=$1 log=$2 start=$SECONDS
    shift 2
    if "$@" > "$log" 2>&1 && ! grep -qE "$report" "$log"; then
        pass "$name: 0 reports ($((SECONDS - start)) s)"
    else
        fail "$name"
        grep -m1 -A40 -E "$report|FAIL|error" "$log" || tail -20 "$log"
    fi
}

for sanitizer in thread address; do
    case $sanitizer in
        thread) lib=.build-tsan/release report='WARNING: ThreadSanitizer' ;;
        address) lib=.build-asan/release report='ERROR: (Address|Leak)Sanitizer' ;;
    esac
    cflags="-g -O1 -fno-omit-frame-pointer -fsanitize=$sanitizer -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L -Iinclude"
    libs="-L$lib -lshortinterest -Wl,-rpath,$root/$lib -L$swift_runtime -ldispatch -lBlocksRuntime -Wl,-rpath,$swift_runtime"
    # gold warns about every local symbol of the ASan runtime it cannot export: keep that in a log.
    {
        $clang $cflags -std=c11 -pthread bindings/c/tests/stress.c -o "$out/stress_$sanitizer" $libs
        $clang $cflags -std=c11 -pthread bindings/c/tests/config_threads.c -o "$out/config_threads_$sanitizer" $libs
        $clang $cflags -std=c99 bindings/c/history.c -o "$out/history_$sanitizer" $libs
        $clang $cflags -std=c99 bindings/c/json_table.c -o "$out/json_table_$sanitizer" $libs $(pkg-config --cflags --libs jansson)
    } 2> "$out/build_$sanitizer.log" || { grep -v 'Cannot export local symbol' "$out/build_$sanitizer.log"; exit 1; }

    clean "$sanitizer: stress, $threads threads x $calls calls, closed in flight" "$out/stress_$sanitizer.out" \
        "$out/stress_$sanitizer" 127.0.0.1 "$port" "$threads" "$calls"
    expect "$sanitizer: stress answers checked" "$out/stress_$sanitizer.out" '^2 passed, 0 failed$'
    clean "$sanitizer: one config set from 8 threads" "$out/config_threads_$sanitizer.out" \
        "$out/config_threads_$sanitizer" 127.0.0.1 "$port" 8 1000
    expect "$sanitizer: the config's setters answered right" "$out/config_threads_$sanitizer.out" '^2 passed, 0 failed$'
    # 4 pages of up to 3 rows, read 25 times: 100 calls.
    clean "$sanitizer: history, 100 calls" "$out/history_$sanitizer.out" \
        "$out/history_$sanitizer" 127.0.0.1 "$port" HK.00700 3 25 0
    expect "$sanitizer: history pages through 10 rows" "$out/history_$sanitizer.out" '^HK\.00700: 10 rows in 4 pages$'
    clean "$sanitizer: json_table" "$out/json_table_$sanitizer.out" "$out/json_table_$sanitizer" 127.0.0.1 "$port" US.HOLES
    expect "$sanitizer: json_table shows 2^53 + 1 exactly" "$out/json_table_$sanitizer.out" ' 9007199254740993 '
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
