#!/usr/bin/env bash
# The fuzzing step of the test command: builds SetupProtocolFuzzer with libFuzzer (debug, in
# .build-fuzz/, about 1.5 minutes on 2 cores) and runs every target for FUZZ_SECONDS seconds
# (default 10) from its committed corpus. New inputs go to a scratch directory, never into the
# repo. A crash, a leak, an input slower than 10 s or above 512 MB fails the step; libFuzzer's
# reproducer is kept under .build-fuzz/artifacts/ (commit it into Fuzz/Corpus/<target>/, where
# `swift test` replays it from then on, once the decoder is fixed).
# FUZZ_SECONDS=0 skips the step (one line says so).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-10}
if [ "$seconds" = 0 ]; then
    echo "fuzz: SKIP (FUZZ_SECONDS=0)"
    exit 0
fi
swift build --build-path .build-fuzz -Xswiftc -sanitize=fuzzer -Xswiftc -DFUZZING --product SetupProtocolFuzzer 2>&1 | tail -1
fuzzer=.build-fuzz/debug/SetupProtocolFuzzer
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p .build-fuzz/artifacts
failed=0
for corpus in Fuzz/Corpus/*/; do
    target=$(basename "$corpus")
    mkdir -p "$scratch/$target"
    if SETUP_FUZZ_TARGET=$target "$fuzzer" -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=512 \
        -artifact_prefix=".build-fuzz/artifacts/$target-" -print_final_stats=1 "$scratch/$target" "$corpus" \
        >"$scratch/$target.log" 2>&1; then
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$scratch/$target.log")
        echo "fuzz: $target: ${runs:-?} inputs in ${seconds} s, no crash"
    else
        failed=1
        echo "fuzz: $target: FAILED (reproducer in .build-fuzz/artifacts/):"
        grep -E "ERROR|SUMMARY|Test unit written" "$scratch/$target.log" | head -5 | sed 's/^/    /'
    fi
done
exit "$failed"
