#!/bin/bash
# Scenario smartsetup-pair: `smartsetup emulate --auth printed --page FILE` on hci1; the PIN is
# read from the printed page; `smartsetup pair --adapter hci0 --pin PIN --passphrase-file F --json`
# exits 0 with the whole event sequence and the printer's IP address; no secret in any output.
. "$REALBLUEZ_DIR/scenarios/lib/smartsetup.sh"
start_printed_printer
pin=$PIN
has_event "$SCAN_OUT" printer '.auth == "printed"' || fail "scan does not say printed"

run_cli pair pair --adapter "$CENTRAL" --printer "$SHORT_ID" --ssid "$SSID" --passphrase-file /tmp/passphrase \
    --pin "$pin" --scan-time 10 --timeout 120 --json
[ "$RC" -eq 0 ] || fail "pair exited $RC, expected 0"
expect_events pair scanning found selected connecting connected authenticating authenticated request-sent \
    credentials-accepted join paired
expect_no_event pair wrong-pin
expect_no_event pair error
expect_event pair selected ".address == \"$PRINTER_BDADDR\" and .shortId == \"$SHORT_ID\""
expect_event pair join '.stage == "connected" and .address == "192.168.1.57/24"'
expect_event pair paired ".address == \"192.168.1.57/24\" and .shortId == \"$SHORT_ID\""
grep -q 'join: connected 192.168.1.57/24' "$OUT/emulate.log" || fail "the emulator did not report joining HomeNet"
expect_no_secret "$pin" "$PASSPHRASE"
pair_figures pair
log "PASS"
