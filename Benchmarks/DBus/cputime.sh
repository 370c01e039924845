#!/usr/bin/env bash
# Less load-sensitive companion to run.sh: CPU time spent per Echo round trip by each client
# process (raw libdbus vs our Swift layer), measured with `perf stat -e task-clock` (all threads,
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
dbus-daemon --config-file="$work/bus.conf" --nofork --print-address=3 3>"$work/address" 2>/dev/null &
pids+=($!)
for _ in $(seq 50); do [ -s "$work/address" ] && break; sleep 0.1; done
address="$(head -n1 "$work/address")"
name=org.example.Echo.raw
"$work/raw_echo" serve "$address" "$name" & pids+=($!)
for _ in $(seq 100); do
    dbus-send --bus="$address" --print-reply --dest=org.freedesktop.DBus / org.freedesktop.DBus.NameHasOwner \
        "string:$name" 2>/dev/null | grep -q "boolean true" && break
    sleep 0.05
done

cpu_us() { # client binary, calls -> CPU microseconds of the whole process
    perf stat -x, -e task-clock -o "$work/perf.txt" "$1" client "$address" "$name" "$2" >/dev/null
    awk -F, '/task-clock/ { printf "%d\n", $1 * 1000 }' "$work/perf.txt"
}

for client in raw swift; do
    bin="$work/raw_echo"; [ "$client" = swift ] && bin="$swift_bin"
    a="$(cpu_us "$bin" "$small")"
    b="$(cpu_us "$bin" "$large")"
    per_call="$(awk -v a="$a" -v b="$b" -v n="$((large - small))" 'BEGIN { printf "%.2f", (b - a) / n }')"
    echo "$client $per_call" >> "$work/per_call"
    printf '%-6s %10s us CPU for %6s calls, %10s us for %6s calls: %8s us CPU per call\n' \
        "$client" "$a" "$small" "$b" "$large" "$per_call"
done
awk '{ v[$1] = $2 } END { printf "ratio swift/raw client CPU per call: %.2fx\n", v["swift"] / v["raw"] }' "$work/per_call"
