#!/bin/bash
# Scenario smartsetup-pair: `smartsetup emulate --auth printed --page FILE` on hci1; the PIN is
# read from the printed page; `smartsetup pair --adapter hci0 --pin PIN --passphrase-file F --json`
# exits 0 with the whole event sequence and the printer's IP address; no secret in any output.
# Then `doctor` reads bluetoothd's cache of that printer (if it wrote one) as not stale.
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

# BlueZ's cache of printers after a real pairing: when bluetoothd cached the printer's GATT
# database, `doctor` reads it as the printer's, laid out as SPEC §5 says (not stale).
cache_file=$(ls /var/lib/bluetooth/*/cache/"$PRINTER_BDADDR" 2>/dev/null | head -1)
"$SS" doctor --json >"$OUT/doctor-after-pair.json" 2>&1
cache_line=$(jq -c 'select(.event == "check" and .id == "config.device-cache")' "$OUT/doctor-after-pair.json")
log "cache file: ${cache_file:-none}; doctor: $cache_line"
[ "$(jq -r .status <<<"$cache_line")" = ok ] || fail "device cache: $cache_line"
if [ -n "$cache_file" ] && grep -qi '=2800:[0-9a-f]*:6fa9a0e4-3710-4ad4-b6d7-2f426d4f9725' "$cache_file"; then
    [[ $(jq -r .found <<<"$cache_line") == "1 printer cached, each with the setup service as SPEC §5 lays it out" ]] \
        || fail "bluetoothd cached the printer ($cache_file), doctor says: $cache_line"
    cp "$cache_file" "$OUT/printer-gatt-cache.txt"
fi
log "PASS"
