#!/usr/bin/env bash
# Builds the libFuzzer executable (fuzz/Package.swift, AddressSanitizer on)
# and runs fuzz targets.
#
#   scripts/fuzz.sh TARGET|all [SECONDS] [libFuzzer options...]   fuzz (60 s each by default)
#   scripts/fuzz.sh merge TARGET                                   minimize fuzz/corpus/TARGET with what runs found
#
# Targets: frames replies finra sfc reference cabi (Sources/ShortInterestFuzzing).
# New inputs go to .build-fuzz/corpus/TARGET (the committed corpus is only
# read); a crash leaves its input in .build-fuzz/artifacts/TARGET/ and fails
# the script. Such an input, once its bug is fixed, belongs in
# fuzz/regressions/TARGET/, which `swift test` replays.
set -euo pipefail
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}
targets=(frames replies finra sfc reference cabi)
scratch=.build-fuzz
fuzzer=$scratch/release/ShortInterestFuzzer

# Swift's backtracer would hold a crashing fuzzer for 30 s and more; libFuzzer
# prints its own stack.
export SWIFT_BACKTRACE=enable=no
export LSAN_OPTIONS=suppressions=$PWD/fuzz/lsan-suppressions.txt

# SwiftPM's --sanitize flags reach swiftc as two -sanitize= options in an
# order that varies from one build to the next, and swiftc keeps only the
# last: half the builds lost either coverage or AddressSanitizer in Swift
# code. The one combined option, appended last, gives both every time.
build() {
    $SWIFT build -c release --package-path fuzz --scratch-path "$scratch" --sanitize=fuzzer --sanitize=address \
        -Xswiftc -sanitize=fuzzer,address
}

run() { # run TARGET SECONDS [options...]
    local target=$1 seconds=$2
    shift 2
    mkdir -p "$scratch/corpus/$target" "$scratch/artifacts/$target"
    echo "== fuzz $target for $seconds s"
    # -timeout: one input taking 10 s is a hang; -rss_limit_mb: a run growing
    # past 2 GiB is unbounded allocation. Both count as crashes.
    # The regressions are read as inputs too: every run replays them under
    # AddressSanitizer and LeakSanitizer, which `swift test` lacks.
    local regressions=()
    [ -d "fuzz/regressions/$target" ] && regressions=("fuzz/regressions/$target")
    SHORTINTEREST_FUZZ_TARGET=$target "$fuzzer" "$scratch/corpus/$target" "fuzz/corpus/$target" "${regressions[@]}" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$scratch/artifacts/$target/" "$@"
}

case "${1:-}" in
    merge)
        target=${2:?usage: scripts/fuzz.sh merge TARGET}
        build
        mkdir -p "$scratch/merged/$target"
        rm -rf "${scratch:?}/merged/$target"/*
        SHORTINTEREST_FUZZ_TARGET=$target "$fuzzer" -set_cover_merge=1 "$scratch/merged/$target" \
            "fuzz/corpus/$target" "$scratch/corpus/$target"
        rm -rf "fuzz/corpus/$target" && mkdir -p "fuzz/corpus/$target"
        cp "$scratch/merged/$target"/* "fuzz/corpus/$target/"
        echo "fuzz/corpus/$target: $(ls "fuzz/corpus/$target" | wc -l) inputs, $(du -sh "fuzz/corpus/$target" | cut -f1)"
        ;;
    all)
        seconds=${2:-60}
        shift $(($# < 2 ? $# : 2))
        build
        for target in "${targets[@]}"; do run "$target" "$seconds" "$@"; done
        ;;
    frames|replies|finra|sfc|reference|cabi)
        target=$1 seconds=${2:-60}
        shift $(($# < 2 ? $# : 2))
        build
        run "$target" "$seconds" "$@"
        ;;
    *)
        echo "usage: scripts/fuzz.sh TARGET|all [SECONDS] [libFuzzer options...] | merge TARGET" >&2
        echo "targets: ${targets[*]}" >&2
        exit 2
        ;;
esac
