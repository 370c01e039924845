#!/bin/bash
# Scenario smartsetup-restart-bluetoothd: bluetoothd restarts under a running `smartsetup emulate`
# (as a package update does). Real bluetoothd forgets the emulator's GATT application and
# advertisement; the emulator registers both again by itself once hci1 is back, and the next
# `smartsetup pair` succeeds on its first run. The new bluetoothd is started in its own session
# so that it outlives this scenario (the guest checks for a running bluetoothd, not a PID).
# realbluez-deadline: 240
. "$REALBLUEZ_DIR/scenarios/lib/smartsetup.sh"
start_printed_printer
pin=$PIN

old=$(pgrep -x bluetoothd) || fail "no bluetoothd running"
log "stopping bluetoothd (pid $old)"
stopped=$(now_ms)
kill -TERM "$old"
deadline=$((SECONDS + 15))
while kill -0 "$old" 2>/dev/null; do
    [ "$SECONDS" -lt "$deadline" ] || fail "bluetoothd did not exit within 15 s of SIGTERM"
    sleep 0.1
done
setsid /usr/libexec/bluetooth/bluetoothd -n -d >>"$REALBLUEZ_BLUETOOTHD_LOG" 2>&1 </dev/null &
log "bluetoothd started again (pid $!)"
deadline=$((SECONDS + 60))
until [ "$(busctl --system tree --list org.bluez 2>/dev/null | grep -cE '^/org/bluez/hci[01]$')" -eq 2 ]; do
    [ "$SECONDS" -lt "$deadline" ] || fail "hci0 and hci1 were not back on D-Bus within 60 s"
    sleep 0.2
done
figure adapters_back_ms $(($(now_ms) - stopped))

wait_registered_again "$stopped"
busctl get-property org.bluez /org/bluez/hci1 org.bluez.LEAdvertisingManager1 ActiveInstances | grep -q '^y 1$' \
    || fail "hci1 has no active advertisement after the emulator registered again"

pair_once_after "$pin" "the restart"
log "PASS"
