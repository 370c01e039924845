#!/bin/bash
# Scenario smartsetup-serve-batch: a batch through the kiosk service on real bluetoothd. btvirt
# is restarted with four controllers: hci0 the kiosk (`smartsetup serve --adapter hci0`, lib/daemon.sh),
# hci1-hci3 three printers (`smartsetup emulate --auth printed`, short ids 3F0A-3F0C). The client
# Benchmarks/Daemon/daemon_bench.py holds a discovery share until the daemon heard all three,
# stops it, pairs 3F0A alone, then all three as one batch (three Pair calls at once, queued by
# the daemon): every job must succeed with an Address. Figures: the batch's wall time against the
# one printer (Benchmarks/Daemon/RESULTS.md).
# serve runs one job at a time on hci0 (--jobs-per-adapter 1, the default is 2): btvirt carries
# no data on a second LE link of one central. With two jobs at once, the second printer's link
# came up (bluetoothd: "hci0 device 00:AA:01:02:00:02 connected", "Device connected." for its
# GATT client) but no ATT PDU ever crossed it (no MTU exchange, no "New incoming LE ATT
# connection" on the printer's controller) and that job timed out connecting, twice in two runs;
# the other job's link worked throughout.
# realbluez-deadline: 300
. "$REALBLUEZ_DIR/scenarios/lib/smartsetup.sh"
. "$REALBLUEZ_DIR/scenarios/lib/daemon.sh"
PRINTERS=(3F0A 3F0B 3F0C)
EMULATOR_PIDS=()
# Stops the emulators and the daemon, then leaves no link before the four controllers go
# (release_controllers, finding 12).
batch_cleanup() {
    local pid
    for pid in "${EMULATOR_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
    for pid in "${EMULATOR_PIDS[@]}"; do wait "$pid" 2>/dev/null; done
    daemon_cleanup
    release_controllers
}
trap batch_cleanup EXIT
printf '%s\n' "$PASSPHRASE" >/tmp/passphrase

restart_btvirt 4
busctl --system tree --list org.bluez | grep -E '^/org/bluez/hci[0-9]+$' | sed 's/^/    /'

start_monitor
install_policy
start_serve --jobs-per-adapter 1

# The client's StartDiscovery makes the daemon scan hci0 in rounds; each printer starts while hci0
# is discovering (the discovery race of lib/smartsetup.sh), and each new round gives btvirt's
# reports another chance.
/usr/bin/python3 "$REALBLUEZ_REPO/Benchmarks/Daemon/daemon_bench.py" --discover --find-timeout 120 \
    --pin 3F0A=/tmp/pin-3F0A --pin 3F0B=/tmp/pin-3F0B --pin 3F0C=/tmp/pin-3F0C \
    --passphrase-file /tmp/passphrase --ssid "$SSID" --timeout 120 --pid "$SERVE_PID" \
    --single 3F0A --batch "$(IFS=,; echo "${PRINTERS[*]}")" >"$OUT/batch.out" 2>"$OUT/batch.err" &
CLIENT_PID=$!
wait_discovering 60 || fail "hci0 never reported Discovering=true after the client started"
for i in 0 1 2; do
    PRINTER_ADAPTER=hci$((i + 1)) SHORT_ID=${PRINTERS[i]} EMULATOR_PID=
    start_emulator printed --page "$OUT/printer-$SHORT_ID.page"
    EMULATOR_PIDS+=("$EMULATOR_PID")
    EMULATOR_PID=
    pin=$(pin_from_page "$OUT/printer-$SHORT_ID.page") || fail "no PIN on printer $SHORT_ID's page"
    printf '%s\n' "$pin" >"/tmp/pin-$SHORT_ID"
done
RC=0
wait "$CLIENT_PID" || RC=$?
sed 's/^/    /' "$OUT/batch.out" "$OUT/batch.err"
[ "$RC" -eq 0 ] || fail "the batch client exited $RC, expected 0"
grep -q '^batch of 3: 3 pairing(s), .*; 0 failed$' "$OUT/batch.out" || fail "the batch of 3 did not succeed"
[ "$(grep -c '^  batch of 3 3F0[ABC]: succeeded after .* address 192.168.1.57/24, adapter hci0$' "$OUT/batch.out")" -eq 3 ] \
    || fail "not every job of the batch succeeded with an Address on hci0"
ratio=$(sed -n 's/^batch of 3: \([0-9]*\) ms vs one printer \([0-9]*\) ms -> \(.*\)x$/\1 \2 \3/p' "$OUT/batch.out")
[ -n "$ratio" ] || fail "no ratio line"
read -r batch_ms single_ms factor <<<"$ratio"
figure batch_of_3_ms "$batch_ms"
figure one_printer_ms "$single_ms"
figure batch_ratio "$factor"
stop_serve
for pin_file in /tmp/pin-3F0A /tmp/pin-3F0B /tmp/pin-3F0C; do expect_no_secret "$(cat "$pin_file")"; done
expect_no_secret "$PASSPHRASE"
log "PASS"
