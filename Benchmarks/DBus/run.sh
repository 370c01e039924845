#!/usr/bin/env bash
# D-Bus benchmark: method-call round trips per second and latency percentiles of our Swift layer
# against raw libdbus, on one private dbus-daemon, against the same echo server.
#
#   bash Benchmarks/DBus/run.sh [CALLS] [ROUNDS]
#
# Builds raw_echo.c with cc and DBusBenchmark with `swift build -c release`, starts a private bus
# (config and socket in a temp dir; the machine's own buses are not touched), then for each echo
# server (raw libdbus, then our DBusObjectServer) runs the raw client and the Swift client
# alternately ROUNDS times with CALLS sequential calls each, and prints every run, the median per
# client, and the ratio raw/Swift of calls per second (1.00 = as fast as raw libdbus; the goal is
# Swift within 1.3x, i.e. a ratio of at most 1.3).
set -euo pipefail
cd "$(dirname "$0")/../.."

calls="${1:-20000}"
rounds="${2:-3}"
source Benchmarks/DBus/private-bus.sh

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

echo "calls per run: $calls, rounds: $rounds, bus: private dbus-daemon $(dbus-daemon --version | head -n1 | awk '{print $NF}')"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for server in raw swift; do
    name="org.example.Echo.${server}"
    if [ "$server" = raw ]; then
        "$raw_bin" serve "$address" "$name" & track $!
    else
        "$swift_bin" serve "$address" "$name" & track $!
    fi
    wait_for_name "$name"
    echo
    echo "echo server: $server"
    printf '  %-7s %-6s %12s %10s %10s %10s\n' client round "calls/s" "p50 us" "p90 us" "p99 us"
    : > "$work/raw.txt"; : > "$work/swift.txt"
    for round in $(seq "$rounds"); do
        for client in raw swift; do
            if [ "$client" = raw ]; then
                line="$("$raw_bin" client "$address" "$name" "$calls")"
            else
                line="$("$swift_bin" client "$address" "$name" "$calls")"
            fi
            read -r _ _ rps p50 p90 p99 <<<"$line"
            echo "$rps $p50 $p90 $p99" >> "$work/$client.txt"
            printf '  %-7s %-6s %12s %10s %10s %10s\n' "$client" "$round" "$rps" "$p50" "$p90" "$p99"
        done
    done
    for client in raw swift; do
        for column in 1 2 3 4; do
            cut -d' ' -f"$column" "$work/$client.txt" | median > "$work/$client.$column"
        done
        printf '  %-7s %-6s %12s %10s %10s %10s\n' "$client" median \
            "$(cat "$work/$client.1")" "$(cat "$work/$client.2")" "$(cat "$work/$client.3")" "$(cat "$work/$client.4")"
    done
    awk -v r="$(cat "$work/raw.1")" -v s="$(cat "$work/swift.1")" \
        -v rp="$(cat "$work/raw.2")" -v sp="$(cat "$work/swift.2")" -v srv="$server" \
        'BEGIN { printf "  ratio raw/swift calls per second (server %s): %.2fx   p50 latency swift/raw: %.2fx\n", srv, r / s, sp / rp }'
    kill "${pids[-1]}" 2>/dev/null || true
    wait "${pids[-1]}" 2>/dev/null || true
    unset 'pids[-1]'
done
