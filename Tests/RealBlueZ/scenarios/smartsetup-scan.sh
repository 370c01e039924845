#!/bin/bash
# Scenario smartsetup-scan: `smartsetup emulate` on hci1 (display PIN), `smartsetup scan --adapter
# hci0 --json` lists it with its short id, address, name and auth method, and exits 0; once the
# emulator stopped, a scan lists nothing and exits 12.
. "$REALBLUEZ_DIR/scenarios/lib/smartsetup.sh"
start_monitor
scan_with_emulator display --name SmartSetup-Scan
[ "$SCAN_RC" -eq 0 ] || fail "scan exited $SCAN_RC, expected 0"
figure scan_wall_ms "$SCAN_MS"
printer=$(jq -c --arg id "$SHORT_ID" 'select(.event == "printer" and .shortId == $id)' "$SCAN_OUT")
log "printer: $printer"
[ "$(jq -r .address <<<"$printer")" = "$PRINTER_BDADDR" ] || fail "address is not $PRINTER_BDADDR"
[ "$(jq -r .auth <<<"$printer")" = display ] || fail "auth is not display"
[ "$(jq -r .busy <<<"$printer")" = false ] || fail "a fresh printer is busy"
[ "$(jq -r .provisioned <<<"$printer")" = false ] || fail "a fresh printer is provisioned"
log "name: $(jq -r .name <<<"$printer"), rssi: $(jq -r .rssi <<<"$printer"), class: $(jq -r .deviceClass <<<"$printer")"
[ "$(jq -s 'length' "$SCAN_OUT")" -eq 1 ] || fail "expected exactly one printer line"

# A scan after the printer stopped advertising: bluetoothd still knows the device (a temporary
# device, kept ~30 s), but `scan` lists only printers heard advertising during it (finding 5):
# exit 12 and an error event.
stop_emulator
sleep 1
run_cli scan-none scan --adapter "$CENTRAL" --json --timeout 3
[ "$RC" -eq 12 ] || fail "scan after the printer stopped advertising exited $RC, expected 12"
expect_event scan-none error '.exitCode == 12'
expect_no_event scan-none printer
busctl --system tree --list org.bluez 2>/dev/null | grep -q dev_00_AA_01_01_00_01 \
    && log "bluetoothd still knows the printer's device (as expected)" \
    || log "note: bluetoothd already dropped the printer's device"
log "PASS"
