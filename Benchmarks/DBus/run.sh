#!/usr/bin/env bash
# D-Bus benchmark: method-call round trips per second and latency percentiles of our Swift layer
# against raw libdbus, on one private dbus-daemon, against the same echo server.
#
#   bash Benchmarks/DBus/run.sh [CALLS] [ROUNDS]
#
# Builds raw_echo.c with cc and DBusBenchmark with `swift build -c release`, starts a private bus
# (config and socket in a temp dir; the machine's own buses are not touched), then for each echo
# server (raw libdbus, then our DBusObjectServer) runs the raw client, the Swift client (calls
# from the global executor, the default) and the Swift client on the connection's executor
# (`swift-exec`, `withTaskExecutorPreference(connection.executor)`) in turn ROUNDS times with
# CALLS sequential calls each, and prints every run, the median per client, and the ratios
# raw/Swift of calls per second (1.00 = as fast as raw libdbus), then the whole-stack and
# per-side ratios against raw/raw.
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
    printf '  %-10s %-6s %12s %10s %10s %10s\n' client round "calls/s" "p50 us" "p90 us" "p99 us"
    : > "$work/raw.txt"; : > "$work/swift.txt"; : > "$work/swift-exec.txt"
    for round in $(seq "$rounds"); do
        for client in raw swift swift-exec; do
            case "$client" in
                raw) line="$("$raw_bin" client "$address" "$name" "$calls")" ;;
                swift) line="$("$swift_bin" client "$address" "$name" "$calls")" ;;
                swift-exec) line="$("$swift_bin" client-executor "$address" "$name" "$calls")" ;;
            esac
            read -r _ _ rps p50 p90 p99 <<<"$line"
            echo "$rps $p50 $p90 $p99" >> "$work/$client.txt"
            printf '  %-10s %-6s %12s %10s %10s %10s\n' "$client" "$round" "$rps" "$p50" "$p90" "$p99"
        done
    done
    for client in raw swift swift-exec; do
        for column in 1 2 3 4; do
            cut -d' ' -f"$column" "$work/$client.txt" | median > "$work/$client.$column"
        done
        printf '  %-10s %-6s %12s %10s %10s %10s\n' "$client" median \
            "$(cat "$work/$client.1")" "$(cat "$work/$client.2")" "$(cat "$work/$client.3")" "$(cat "$work/$client.4")"
        cp "$work/$client.1" "$work/$server-$client.rps"
    done
    awk -v r="$(cat "$work/raw.1")" -v s="$(cat "$work/swift.1")" \
        -v rp="$(cat "$work/raw.2")" -v sp="$(cat "$work/swift.2")" -v srv="$server" \
        'BEGIN { printf "  ratio raw/swift calls per second (server %s): %.2fx   p50 latency swift/raw: %.2fx\n", srv, r / s, sp / rp }'
    awk -v r="$(cat "$work/raw.1")" -v s="$(cat "$work/swift-exec.1")" -v srv="$server" \
        'BEGIN { printf "  ratio raw/swift-exec calls per second (server %s): %.2fx\n", srv, r / s }'
    kill "${pids[-1]}" 2>/dev/null || true
    wait "${pids[-1]}" 2>/dev/null || true
    unset 'pids[-1]'
done
rr="$(cat "$work/raw-raw.rps")"
echo
echo "summary (medians, calls/s; ratio = raw/raw divided by the row):"
printf '  %-50s %8s %6s\n' "raw server + raw client" "$rr" "1.00x"
for row in "raw-swift:raw server + our client (client side)" "swift-raw:our server + raw client (server side)" \
    "swift-swift:our server + our client (whole stack)" "raw-swift-exec:raw server + our client on executor" \
    "swift-swift-exec:whole stack, client on executor"; do
    key="${row%%:*}"; label="${row#*:}"
    v="$(cat "$work/$key.rps")"
    awk -v l="$label" -v v="$v" -v rr="$rr" 'BEGIN { printf "  %-50s %8s %6.2fx\n", l, v, rr / v }'
done
