#!/bin/bash
# PID 1 of the VM after switch_root (the host's / read-only). Loads the Bluetooth modules, starts
# btvirt (two LE controllers), a system dbus-daemon and bluetoothd, waits for both adapters, runs
# every scenario with a deadline, records each one's exit code in the results share, powers off.
# $1: the results dir (same path as on the host); $1/vm.env (written by run.sh) gives REPO, KROOT,
# KVER, SCENARIO_DEADLINE (default for scenarios without a "# realbluez-deadline: N" line), SCENARIOS (names to run; empty: all), HOST_LOADAVG and BTMON (1: record
# all HCI traffic with btmon into $1/hci.btsnoop) and SMARTSETUP (the CLI for the smartsetup-*
# scenarios; empty: the repo's .build/debug/smartsetup).
set -u
RESULTS=$1
# shellcheck source=/dev/null
. "$RESULTS/vm.env"
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/tmp LANG=C.UTF-8 TERM=dumb

stamp() { echo "$(cut -d' ' -f1 /proc/uptime) $*" >>"$RESULTS/timeline.log"; }
finish() {
    stamp "poweroff ($1)"
    echo "$1" >"$RESULTS/guest.status"
    dmesg >"$RESULTS/dmesg.log" 2>&1
    sync
    /bin/busybox poweroff -f
    echo o >/proc/sysrq-trigger
    sleep 10
}

stamp "guest started"
mkdir -p /dev/pts /dev/shm
mount -t devpts -o mode=620,ptmxmode=666 devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
ln -sf /proc/self/fd /dev/fd
# btvirt configures each controller through /sys/kernel/debug/bluetooth/hciN/*.
mount -t debugfs debugfs /sys/kernel/debug
hostname realbluez
mkdir -p /run/dbus /var/lib/bluetooth

# hci_vhci pulls bluetooth, ecdh_generic, ecc, rfkill; SMP wants cmac and ecb; btvirt's emulated
# controllers do their crypto through AF_ALG sockets (af_alg, algif_hash, algif_skcipher).
modprobe -d "$KROOT" -S "$KVER" -a hci_vhci cmac ecb af_alg algif_hash algif_skcipher \
    || finish "modprobe failed"
dbus-daemon --system --fork --nopidfile || finish "dbus-daemon failed"
stamp "dbus up"

if [ "$BTMON" = 1 ]; then
    btmon -w "$RESULTS/hci.btsnoop" >/dev/null 2>&1 &
    # The session key log (SPEC §18) of every smartsetup run, for `smartsetup decode --keylog`.
    export SMARTSETUP_KEYLOGFILE="$RESULTS/session.keylog"
fi
/usr/libexec/bluetooth/bluetoothd -n -d >"$RESULTS/bluetoothd.log" 2>&1 &
BLUETOOTHD_PID=$!

adapters_on_dbus() {
    busctl --system tree --list org.bluez 2>/dev/null | grep -cE '^/org/bluez/hci[0-9]+$'
}
reset_timeouts() {
    dmesg | grep -c 'Opcode 0x0c03 failed'
}
BTVIRT_PID=
stop_btvirt() {
    # A scenario may have started its own btvirt (smartsetup-replug): stop every one.
    pkill -x btvirt 2>/dev/null
    [ -n "$BTVIRT_PID" ] || return 0
    kill "$BTVIRT_PID" 2>/dev/null
    wait "$BTVIRT_PID" 2>/dev/null
    BTVIRT_PID=
}
# Starts btvirt (two LE controllers) and waits for bluetoothd to show both adapters.
# Known race: the kernel's first HCI Reset can beat btvirt's controller set-up (dmesg then shows
# "Opcode 0x0c03 failed: -110") and that controller never appears. A loaded host makes it likely
# (TCG is slow and the kernel gives each HCI command 2 s). Restart btvirt when it happens or when
# two adapters are not on D-Bus 15 s after btvirt started.
start_controllers() {
    local deadline=$((SECONDS + 90)) started timeouts_seen timeouts
    timeouts_seen=$(reset_timeouts)
    btvirt -L -l2 >>"$RESULTS/btvirt.log" 2>&1 &
    BTVIRT_PID=$!
    started=$SECONDS
    while [ "$(adapters_on_dbus)" -lt 2 ]; do
        [ "$SECONDS" -ge "$deadline" ] && finish "adapters did not appear"
        # A scenario may restart bluetoothd (smartsetup-restart-bluetoothd): any one will do.
        kill -0 "$BLUETOOTHD_PID" 2>/dev/null || BLUETOOTHD_PID=$(pgrep -x bluetoothd) || finish "bluetoothd exited"
        timeouts=$(reset_timeouts)
        if [ "$timeouts" -gt "$timeouts_seen" ] || [ $((SECONDS - started)) -ge 15 ]; then
            stamp "a controller failed to initialise: restarting btvirt"
            timeouts_seen=$timeouts
            stop_btvirt
            sleep 1
            btvirt -L -l2 >>"$RESULTS/btvirt.log" 2>&1 &
            BTVIRT_PID=$!
            started=$SECONDS
        fi
        sleep 0.2
    done
    stamp "two adapters on D-Bus"
}
# Fresh controllers for the next scenario: what one scenario leaves (connections, advertising
# instances, known devices) must not leak into the next. bluetoothd stays; its store is wiped.
restart_controllers() {
    stop_btvirt
    local deadline=$((SECONDS + 30))
    while [ "$(adapters_on_dbus)" -gt 0 ]; do
        [ "$SECONDS" -ge "$deadline" ] && finish "adapters did not go away"
        sleep 0.2
    done
    rm -rf /var/lib/bluetooth/*
    start_controllers
}
start_controllers

export REALBLUEZ_REPO=$REPO
export REALBLUEZ_HOST_LOADAVG=$HOST_LOADAVG
export REALBLUEZ_SMARTSETUP=${SMARTSETUP:-$REPO/.build/debug/smartsetup}
export REALBLUEZ_DIR=$REPO/Tests/RealBlueZ
export REALBLUEZ_BLUETOOTHD_LOG=$RESULTS/bluetoothd.log
export PYTHONPATH=$REALBLUEZ_DIR/python
export PYTHONDONTWRITEBYTECODE=1
mkdir -p "$RESULTS/scenarios"
for script in "$REALBLUEZ_DIR"/scenarios/*.sh; do
    name=$(basename "$script" .sh)
    if [ -n "$SCENARIOS" ] && ! [[ " $SCENARIOS " == *" $name "* ]]; then
        continue
    fi
    [ -n "${ran_one:-}" ] && restart_controllers
    ran_one=1
    export REALBLUEZ_RESULTS=$RESULTS/scenarios/$name
    mkdir -p "$REALBLUEZ_RESULTS"
    # A scenario may ask for its own deadline with a "# realbluez-deadline: N" line.
    deadline=$(sed -n 's/^# realbluez-deadline: \([0-9][0-9]*\)$/\1/p' "$script" | head -1)
    deadline=${deadline:-$SCENARIO_DEADLINE}
    stamp "scenario $name started"
    start=$(cut -d' ' -f1 /proc/uptime)
    # timeout runs the scenario in its own process group: whatever it leaves running is killed.
    (cd "$REPO" && exec timeout -k 5 "$deadline" bash "$script") \
        >"$RESULTS/scenarios/$name.log" 2>&1 </dev/null &
    pid=$!
    wait "$pid"
    rc=$?
    kill -KILL -- "-$pid" 2>/dev/null
    end=$(cut -d' ' -f1 /proc/uptime)
    [ "$rc" -eq 124 ] && echo "scenario deadline of ${deadline} s passed" >>"$RESULTS/scenarios/$name.log"
    echo "$rc $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')" >"$RESULTS/scenarios/$name.rc"
    stamp "scenario $name exited $rc"
done
finish "done"
