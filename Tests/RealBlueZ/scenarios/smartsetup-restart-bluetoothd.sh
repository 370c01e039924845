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

deadline=$((SECONDS + 60))
until grep -q "hci1 is back: GATT service and advertisement registered again" "$OUT/emulate.log"; do
    [ "$SECONDS" -lt "$deadline" ] || { cat "$OUT/emulate.log"; fail "the emulator did not register again within 60 s"; }
    sleep 0.2
done
figure registered_again_ms $(($(now_ms) - stopped))
busctl get-property org.bluez /org/bluez/hci1 org.bluez.LEAdvertisingManager1 ActiveInstances | grep -q '^y 1$' \
    || fail "hci1 has no active advertisement after the emulator registered again"

scan_until_found
printf '%s\n' "$pin" >/tmp/pin
run_cli pair pair --adapter "$CENTRAL" --printer "$SHORT_ID" --ssid "$SSID" --passphrase-file /tmp/passphrase \
    --pin-file /tmp/pin --scan-time 10 --timeout 120 --json
[ "$RC" -eq 0 ] || fail "pair after the restart exited $RC, expected 0"
expect_event pair paired ".address == \"192.168.1.57/24\" and .shortId == \"$SHORT_ID\""
expect_no_secret "$pin" "$PASSPHRASE"
pair_figures pair
log "PASS"
