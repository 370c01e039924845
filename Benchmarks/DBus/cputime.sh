#!/usr/bin/env bash
# Less load-sensitive companion to run.sh: CPU time spent per Echo round trip by each client
# process (raw libdbus vs our Swift layer, called from the global executor and from the
# connection's executor), measured with `perf stat -e task-clock` (all threads,
# our I/O thread included). Each client runs twice, with SMALL and LARGE calls after the same
# warm-up; the difference divided by LARGE - SMALL is the marginal CPU cost of one call, free of
# start-up costs. Waiting for the scheduler on a busy machine costs wall time but no CPU time.
# (valgrind 3.19's callgrind crashes on Swift 6.3 binaries at thread start, and this machine has
# no hardware instruction counters, so CPU time stands in for instruction counts.)
#
#   bash Benchmarks/DBus/cputime.sh [SMALL] [LARGE]
#
# The echo server is raw libdbus, so only the client side differs.
set -euo pipefail
cd "$(dirname "$0")/../.."

small="${1:-1000}"
large="${2:-20000}"
source Benchmarks/DBus/private-bus.sh
name=org.example.Echo.raw
"$raw_bin" serve "$address" "$name" & track $!
wait_for_name "$name"

cpu_us() { # client binary, client verb, calls -> CPU microseconds of the whole process
    perf stat -x, -e task-clock -o "$work/perf.txt" "$1" "$2" "$address" "$name" "$3" >/dev/null
    awk -F, '/task-clock/ { printf "%d\n", $1 * 1000 }' "$work/perf.txt"
}

for client in raw swift swift-executor; do
    bin="$swift_bin"; verb=client
    [ "$client" = raw ] && bin="$raw_bin"
    [ "$client" = swift-executor ] && verb=client-executor
    a="$(cpu_us "$bin" "$verb" "$small")"
    b="$(cpu_us "$bin" "$verb" "$large")"
    per_call="$(awk -v a="$a" -v b="$b" -v n="$((large - small))" 'BEGIN { printf "%.2f", (b - a) / n }')"
    echo "$client $per_call" >> "$work/per_call"
    printf '%-14s %10s us CPU for %6s calls, %10s us for %6s calls: %8s us CPU per call\n' \
        "$client" "$a" "$small" "$b" "$large" "$per_call"
done
awk '{ v[$1] = $2 } END {
    printf "ratio swift/raw client CPU per call: %.2fx\n", v["swift"] / v["raw"]
    printf "ratio swift-executor/raw client CPU per call: %.2fx\n", v["swift-executor"] / v["raw"] }' "$work/per_call"
