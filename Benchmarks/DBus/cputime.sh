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
# The echo server is raw libdbus, so only the client side differs. Then the same for the two
# echo servers, each called by the raw client.
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

# The server side: CPU time of each echo server process (raw libdbus, our DBusObjectServer),
# all its threads, summed from /proc/PID/task/*/schedstat (nanoseconds on the CPU), around a
# run of the raw client with SMALL and then LARGE calls; marginal per call as above.
server_cpu_ns() { # pid -> nanoseconds on the CPU of all its threads so far
    cat /proc/"$1"/task/*/schedstat | awk '{ sum += $1 } END { printf "%.0f\n", sum }'
}

for server in raw swift; do
    bin="$raw_bin"; [ "$server" = swift ] && bin="$swift_bin"
    bus_name="org.example.Echo.cpu.$server"
    "$bin" serve "$address" "$bus_name" & track $!
    pid=$!
    wait_for_name "$bus_name"
    t0="$(server_cpu_ns "$pid")"
    "$raw_bin" client "$address" "$bus_name" "$small" >/dev/null
    t1="$(server_cpu_ns "$pid")"
    "$raw_bin" client "$address" "$bus_name" "$large" >/dev/null
    t2="$(server_cpu_ns "$pid")"
    per_call="$(awk -v a="$((t1 - t0))" -v b="$((t2 - t1))" -v n="$((large - small))" 'BEGIN { printf "%.2f", (b - a) / n / 1000 }')"
    echo "$server $per_call" >> "$work/server_per_call"
    printf 'server %-7s %10s us CPU for %6s calls, %10s us for %6s calls: %8s us CPU per call\n' \
        "$server" "$(((t1 - t0) / 1000))" "$small" "$(((t2 - t1) / 1000))" "$large" "$per_call"
done
awk '{ v[$1] = $2 } END { printf "ratio swift/raw server CPU per call: %.2fx\n", v["swift"] / v["raw"] }' "$work/server_per_call"
