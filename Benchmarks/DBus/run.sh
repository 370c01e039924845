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
work="$(mktemp -d)"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

cc -O2 -Wall -Wextra -o "$work/raw_echo" Benchmarks/DBus/raw_echo.c $(pkg-config --cflags --libs dbus-1)
swift build -c release --product DBusBenchmark >&2
swift_bin="$(swift build -c release --show-bin-path)/DBusBenchmark"

cat > "$work/bus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=$work</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
CONF
dbus-daemon --config-file="$work/bus.conf" --nofork --print-address=3 3>"$work/address" &
pids+=($!)
for _ in $(seq 50); do [ -s "$work/address" ] && break; sleep 0.1; done
address="$(head -n1 "$work/address")"
[ -n "$address" ] || { echo "run.sh: dbus-daemon did not start" >&2; exit 1; }

wait_for_name() {
    for _ in $(seq 100); do
        if dbus-send --bus="$address" --print-reply --dest=org.freedesktop.DBus / \
            org.freedesktop.DBus.NameHasOwner "string:$1" 2>/dev/null | grep -q "boolean true"; then
            return 0
        fi
        sleep 0.05
    done
    echo "run.sh: $1 did not appear on the bus" >&2
    exit 1
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

echo "calls per run: $calls, rounds: $rounds, bus: private dbus-daemon $(dbus-daemon --version | head -n1 | awk '{print $NF}')"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for server in raw swift; do
    name="org.example.Echo.${server}"
    if [ "$server" = raw ]; then
        "$work/raw_echo" serve "$address" "$name" & pids+=($!)
    else
        "$swift_bin" serve "$address" "$name" & pids+=($!)
    fi
    wait_for_name "$name"
    echo
    echo "echo server: $server"
    printf '  %-7s %-6s %12s %10s %10s %10s\n' client round "calls/s" "p50 us" "p90 us" "p99 us"
    : > "$work/raw.txt"; : > "$work/swift.txt"
    for round in $(seq "$rounds"); do
        for client in raw swift; do
            if [ "$client" = raw ]; then
                line="$("$work/raw_echo" client "$address" "$name" "$calls")"
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
