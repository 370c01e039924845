#!/bin/bash
# Scenario smartsetup-button: button-mode emulator on hci1 (button pressed at start); scan says
# auth "button"; `pair --button` exits 0 with authenticating.buttonMode true and the address.
. "$REALBLUEZ_DIR/scenarios/lib/smartsetup.sh"
printf '%s\n' "$PASSPHRASE" >/tmp/passphrase
start_monitor
scan_with_emulator button
has_event "$SCAN_OUT" printer '.auth == "button"' || fail "scan does not say button"
grep -q 'button pressed' "$OUT/emulate.log" || fail "the emulator did not open the button window"

run_cli pair pair --adapter "$CENTRAL" --printer "$SHORT_ID" --ssid "$SSID" --passphrase-file /tmp/passphrase \
    --button --scan-time 10 --timeout 120 --json
[ "$RC" -eq 0 ] || fail "pair --button exited $RC, expected 0"
expect_event pair authenticating '.buttonMode == true'
expect_event pair paired '.address == "192.168.1.57/24"'
expect_no_secret "$PASSPHRASE"
pair_figures pair
log "PASS"
