#!/bin/bash
# Scenario smartsetup-wrong-passphrase: display-PIN emulator on hci1 (PIN read from its display
# line); `pair` with a wrong passphrase exits 17 (join failed, error exitCode 17); a second run
# with the corrected passphrase file exits 0. (In-session correction needs a terminal.)
. "$REALBLUEZ_DIR/scenarios/lib/smartsetup.sh"
printf '%s\n' 'not the right passphrase' >/tmp/wrong-passphrase
printf '%s\n' "$PASSPHRASE" >/tmp/passphrase
start_monitor
scan_with_emulator display
display_pin() { sed -n 's/.*short id [0-9A-F]\{4\}  PIN \([0-9]\{4\}\)-\([0-9]\{4\}\) .*/\1\2/p' "$OUT/emulate.log" | tail -n 1; }
pin=$(display_pin)
[ -n "$pin" ] || fail "no PIN on the emulator's display"

run_cli pair-wrong pair --adapter "$CENTRAL" --printer "$SHORT_ID" --ssid "$SSID" --passphrase-file /tmp/wrong-passphrase \
    --pin "$pin" --scan-time 10 --timeout 120 --json
[ "$RC" -eq 17 ] || fail "pair with a wrong passphrase exited $RC, expected 17"
jq -c "select(.event == \"join\")" "$OUT/pair-wrong.out"
expect_event pair-wrong error '.exitCode == 17'
expect_no_event pair-wrong paired
pair_figures pair-wrong

pin2=$(display_pin)
run_cli pair-right pair --adapter "$CENTRAL" --printer "$SHORT_ID" --ssid "$SSID" --passphrase-file /tmp/passphrase \
    --pin "$pin2" --scan-time 10 --timeout 120 --json
[ "$RC" -eq 0 ] || fail "pair with the corrected passphrase exited $RC, expected 0"
expect_event pair-right paired '.address == "192.168.1.57/24"'
pair_figures pair-right
log "PASS"
