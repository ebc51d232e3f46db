# Sourced by the C test scripts (from the package root, with $out set):
# counted checks, and gateways started on a free port and stopped at exit.
passed=0 failed=0
pass() { echo "ok   $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1"; failed=$((failed + 1)); }
expect() { # expect DESCRIPTION FILE PATTERN: the file has a line matching PATTERN
    if grep -qE -- "$3" "$2"; then pass "$1"; else fail "$1"; echo "     no line matches: $3"; sed 's/^/     | /' "$2" | head -20; fi
}

gateway_pids=()
trap 'kill "${gateway_pids[@]}" 2>/dev/null || true' EXIT

# start_gateway NAME SERVE-ARGS...: runs `shortinterest serve SERVE-ARGS --port 0`
# in the background (output in $out/NAME.out and .log), waits until it
# listens, and sets gateway_pid and gateway_port. Exits the script if it
# does not start.
start_gateway() {
    local name=$1
    shift
    # Made here, so that the loop below never reads a file the background
    # shell has not opened yet (sed would fail, and set -e end the script).
    : > "$out/$name.out"
    build/bin/shortinterest serve "$@" --port 0 > "$out/$name.out" 2> "$out/$name.log" &
    gateway_pid=$!
    gateway_pids+=("$gateway_pid")
    # Until the whole line is there (ends with a newline), never a part of it.
    for _ in $(seq 100); do
        gateway_port=$(sed -n 's/^listening on .*:\([0-9][0-9]*\)$/\1/p' "$out/$name.out")
        [ -n "$gateway_port" ] && [ -z "$(tail -c 1 "$out/$name.out")" ] && break
        gateway_port=
        sleep 0.1
    done
    [ -n "$gateway_port" ] || { echo "gateway $name did not start:"; cat "$out/$name.log"; exit 1; }
}
