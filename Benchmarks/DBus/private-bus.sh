# Sourced by run.sh and cputime.sh: builds the raw libdbus program and the Swift benchmark,
# starts a private dbus-daemon (config and socket in a temp dir; the machine's buses are not
# touched) and defines:
#   work         the temp dir (removed on exit)   raw_bin, swift_bin   the two programs
#   address      the private bus's address         track PID            stop PID on exit
#   wait_for_name NAME                              waits until NAME is owned on the bus
# The caller has done `cd` to the repository root and `set -euo pipefail`.

work="$(mktemp -d)"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
track() { pids+=("$1"); }

raw_bin="$work/raw_echo"
cc -O2 -Wall -Wextra -o "$raw_bin" Benchmarks/DBus/raw_echo.c $(pkg-config --cflags --libs dbus-1)
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
track $!
for _ in $(seq 50); do [ -s "$work/address" ] && break; sleep 0.1; done
address="$(head -n1 "$work/address")"
[ -n "$address" ] || { echo "$(basename "$0"): dbus-daemon did not start" >&2; exit 1; }

wait_for_name() {
    for _ in $(seq 100); do
        if dbus-send --bus="$address" --print-reply --dest=org.freedesktop.DBus / \
            org.freedesktop.DBus.NameHasOwner "string:$1" 2>/dev/null | grep -q "boolean true"; then
            return 0
        fi
        sleep 0.05
    done
    echo "$(basename "$0"): $1 did not appear on the bus" >&2
    exit 1
}
