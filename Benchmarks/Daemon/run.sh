#!/usr/bin/env bash
# Figures of the kiosk service on the simulated BlueZ (Benchmarks/Daemon/RESULTS.md): the idle
# daemon's RSS and wake-ups, one pairing through the daemon, a batch of 32 through the daemon in
# the same run (ratio), and the daemon's CPU time per pairing.
#
# usage: bash Benchmarks/Daemon/run.sh [IDLE_SECONDS] [BATCH] [INTERVAL_MS]   (defaults 60 32 30)
# Environment: SMARTSETUP, the binary (default .build/debug/smartsetup; build it first, e.g.
#              `swift build --product smartsetup` or `swift build -c release --product smartsetup`
#              with SMARTSETUP=.build/release/smartsetup).
# `smartsetup sim` runs 1 + BATCH printers (3F0A alone, the next BATCH as the batch) and
# BATCH/2 free adapters (the daemon runs 2 jobs per adapter), `smartsetup serve` uses the free
# adapters only, on the simulator's private bus; Benchmarks/Daemon/daemon_bench.py measures.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
IDLE=${1:-60}
BATCH=${2:-32}
INTERVAL=${3:-30}
SS=${SMARTSETUP:-$REPO/.build/debug/smartsetup}
[ -x "$SS" ] || { echo "daemon-bench: $SS is missing: build it first (swift build --product smartsetup)" >&2; exit 1; }
ADAPTERS=$(((BATCH + 1) / 2))
[ "$ADAPTERS" -ge 1 ] && [ "$ADAPTERS" -le 16 ] || { echo "daemon-bench: BATCH must be 1 to 32" >&2; exit 1; }

WORK=$(mktemp -d /tmp/smartsetup-daemon-bench.XXXXXX)
SIM_PID= SERVE_PID=
stop() {
    # Each handles SIGTERM: serve cancels and records, sim stops its dbus-daemon.
    [ -n "$SERVE_PID" ] && kill -TERM "$SERVE_PID" 2>/dev/null && wait "$SERVE_PID" 2>/dev/null
    [ -n "$SIM_PID" ] && kill -TERM "$SIM_PID" 2>/dev/null && wait "$SIM_PID" 2>/dev/null
    rm -rf "$WORK"
}
trap stop EXIT

printf 'correct horse battery\n' >"$WORK/passphrase"   # HomeNet in the simulator's network table
"$SS" sim --printers $((BATCH + 1)) --adapters "$ADAPTERS" --interval-ms "$INTERVAL" >"$WORK/sim.out" 2>"$WORK/displays.log" &
SIM_PID=$!
for _ in $(seq 300); do
    grep -q '^free adapters:' "$WORK/displays.log" 2>/dev/null && break
    kill -0 "$SIM_PID" 2>/dev/null || { cat "$WORK/displays.log" >&2; exit 1; }
    sleep 0.1
done
BUS=$(sed -n "s/^export DBUS_SYSTEM_BUS_ADDRESS='\(.*\)'$/\1/p" "$WORK/sim.out")
FREE=$(sed -n 's/^free adapters: //p' "$WORK/displays.log")
[ -n "$BUS" ] && [ -n "$FREE" ] || { echo "daemon-bench: sim did not start" >&2; cat "$WORK/displays.log" >&2; exit 1; }
adapter_args=()
for a in $FREE; do adapter_args+=(--adapter "$a"); done

mkdir -p "$WORK/state"
DBUS_SYSTEM_BUS_ADDRESS=$BUS "$SS" serve --bus "$BUS" "${adapter_args[@]}" --state-dir "$WORK/state" --log-level warning \
    2>"$WORK/serve.log" &
SERVE_PID=$!
for _ in $(seq 300); do
    dbus-send --bus="$BUS" --print-reply --dest=io.smartsetup1 /io/smartsetup1 org.freedesktop.DBus.Peer.Ping >/dev/null 2>&1 && break
    kill -0 "$SERVE_PID" 2>/dev/null || { cat "$WORK/serve.log" >&2; exit 1; }
    sleep 0.1
done
sleep 2   # let start-up settle before the idle minute

batch=()
for i in $(seq 1 "$BATCH"); do batch+=("$(printf '%04X' $((0x3F0A + i)))"); done
echo "smartsetup daemon benchmark: $("$SS" --version) ($SS), simulated BlueZ, interval $INTERVAL ms, serve on $(wc -w <<<"$FREE") adapters ($FREE), host load $(cut -d' ' -f1-3 /proc/loadavg)"
# The simulator (BlueZ and the printers) and its dbus-daemon share the 2 cores: their CPU time
# is printed beside the daemon's.
BUS_PID=$(pgrep -P "$SIM_PID" -x dbus-daemon || true)
also=(--also "sim=$SIM_PID")
[ -n "$BUS_PID" ] && also+=(--also "dbus-daemon=$BUS_PID")
rc=0
/usr/bin/python3 "$HERE/daemon_bench.py" --bus "$BUS" --pid "$SERVE_PID" --idle "$IDLE" --displays "$WORK/displays.log" "${also[@]}" \
    --passphrase-file "$WORK/passphrase" --single 3F0A --batch "$(IFS=,; echo "${batch[*]}")" || rc=$?
echo "host load at the end $(cut -d' ' -f1-3 /proc/loadavg)"
if [ -s "$WORK/serve.log" ]; then
    echo "serve's warnings:"
    sed 's/^/  /' "$WORK/serve.log"
fi
exit "$rc"
