#!/usr/bin/env bash
# What the idle kiosk service's resident memory is made of (Benchmarks/Daemon/RESULTS.md):
# `smartsetup serve --adapter hci0` over `smartsetup sim --printers 1`, no job, no discovery;
# after SETTLE seconds prints VmRSS, RssAnon, RssFile (/proc/PID/status), Pss and its parts
# (/proc/PID/smaps_rollup), and the resident kilobytes per mapping (/proc/PID/smaps), largest first.
#
# usage: bash Benchmarks/Daemon/idle-memory.sh [SETTLE_SECONDS]   (default 5)
# Environment: SMARTSETUP, the binary (default .build/debug/smartsetup); SERVE_ENV, extra
# `NAME=VALUE` words put in serve's environment (e.g. SERVE_ENV='MALLOC_ARENA_MAX=1').
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
SETTLE=${1:-5}
SS=${SMARTSETUP:-$REPO/.build/debug/smartsetup}
[ -x "$SS" ] || { echo "idle-memory: $SS is missing: build it first" >&2; exit 1; }
read -r -a extra_env <<<"${SERVE_ENV:-}"

WORK=$(mktemp -d /tmp/smartsetup-idle-memory.XXXXXX)
SIM_PID= SERVE_PID=
stop() {
    [ -n "$SERVE_PID" ] && kill -TERM "$SERVE_PID" 2>/dev/null && wait "$SERVE_PID" 2>/dev/null
    [ -n "$SIM_PID" ] && kill -TERM "$SIM_PID" 2>/dev/null && wait "$SIM_PID" 2>/dev/null
    rm -rf "$WORK"
}
trap stop EXIT

"$SS" sim --printers 1 >"$WORK/sim.out" 2>"$WORK/sim.log" &
SIM_PID=$!
for _ in $(seq 300); do
    grep -q '^export DBUS_SYSTEM_BUS_ADDRESS=' "$WORK/sim.out" 2>/dev/null && break
    kill -0 "$SIM_PID" 2>/dev/null || { cat "$WORK/sim.log" >&2; exit 1; }
    sleep 0.1
done
BUS=$(sed -n "s/^export DBUS_SYSTEM_BUS_ADDRESS='\(.*\)'$/\1/p" "$WORK/sim.out")
[ -n "$BUS" ] || { echo "idle-memory: sim did not start" >&2; exit 1; }
mkdir -p "$WORK/state"
env DBUS_SYSTEM_BUS_ADDRESS="$BUS" "${extra_env[@]}" "$SS" serve --bus "$BUS" --adapter hci0 --state-dir "$WORK/state" \
    --log-level warning 2>"$WORK/serve.log" &
SERVE_PID=$!
for _ in $(seq 300); do
    dbus-send --bus="$BUS" --print-reply --dest=io.smartsetup1 /io/smartsetup1 org.freedesktop.DBus.Peer.Ping >/dev/null 2>&1 && break
    kill -0 "$SERVE_PID" 2>/dev/null || { cat "$WORK/serve.log" >&2; exit 1; }
    sleep 0.1
done
sleep "$SETTLE"

echo "idle serve ($SS${SERVE_ENV:+, $SERVE_ENV}), $SETTLE s after it answered:"
grep -E '^(VmRSS|RssAnon|RssFile|RssShmem|Threads):' "/proc/$SERVE_PID/status" | tr -s ' \t' ' ' | sed 's/^/  /'
grep -E '^(Pss|Pss_Anon|Pss_File):' "/proc/$SERVE_PID/smaps_rollup" | tr -s ' \t' ' ' | sed 's/^/  /'
echo "  resident kB per mapping (smaps):"
awk '/^[0-9a-f]+-[0-9a-f]+ / { name = (NF >= 6 ? $6 : "[anonymous]") } /^Rss:/ { rss[name] += $2 }
     END { for (n in rss) if (rss[n] > 0) printf "%8d %s\n", rss[n], n }' "/proc/$SERVE_PID/smaps" | sort -rn | head -15 | sed 's/^/  /'
