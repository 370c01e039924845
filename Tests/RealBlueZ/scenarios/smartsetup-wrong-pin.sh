#!/bin/bash
# Scenario smartsetup-wrong-pin: printed-PIN emulator on hci1; `pair` with a valid but wrong PIN
# exits 14 (wrong-pin event with attempts left, error event with exitCode 14); the right PIN then
# pairs (exit 0), selecting the printer by its name: after the first connection hci0's Device1
# Name is the GAP Device Name, which the emulator makes the printer's name (finding 4).
. "$REALBLUEZ_DIR/scenarios/lib/smartsetup.sh"
start_printed_printer
pin=$PIN
wrong=$(other_valid_pin "$pin")
[ "$wrong" != "$pin" ] || fail "could not make a wrong PIN"

run_cli pair-wrong pair --adapter "$CENTRAL" --printer "$SHORT_ID" --ssid "$SSID" --passphrase-file /tmp/passphrase \
    --pin "$wrong" --scan-time 10 --timeout 120 --json
[ "$RC" -eq 14 ] || fail "pair with a wrong PIN exited $RC, expected 14"
expect_event pair-wrong wrong-pin '.attemptsLeft == null or .attemptsLeft > 0'
expect_event pair-wrong error '.exitCode == 14'
expect_no_event pair-wrong credentials-accepted
pair_figures pair-wrong

# The page may have been reprinted (a new PIN) after the wrong attempt: read it again.
pin2=$(pin_from_page "$PAGE") || fail "no PIN on the printed page"
[ "$pin2" = "$pin" ] && log "the PIN is unchanged after a wrong attempt" || log "the printer printed a new PIN after the wrong attempt"
run_cli pair-right pair --adapter "$CENTRAL" --printer Printer-3F0A --ssid "$SSID" --passphrase-file /tmp/passphrase \
    --pin "$pin2" --scan-time 10 --timeout 120 --json
[ "$RC" -eq 0 ] || fail "pair with the right PIN exited $RC, expected 0"
expect_event pair-right found '.name == "Printer-3F0A"'
expect_event pair-right paired '.address == "192.168.1.57/24"'
expect_no_secret "$pin" "$pin2" "$wrong" "$PASSPHRASE"
pair_figures pair-right
log "PASS"
