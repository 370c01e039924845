#!/bin/bash
# Scenario smartsetup-serve-kiosk: the kiosk service on real bluetoothd. `smartsetup serve` owns
# io.smartsetup1 on the system bus (the repo's D-Bus policy installed, lib/daemon.sh) and uses
# hci0; `smartsetup emulate --auth printed --page F` is the printer on hci1; examples/kiosk.py
# registers its agent, starts discovery, waits for printer 3F0A, pairs it through the API (the PIN
# from the page through its agent, the passphrase as a file descriptor) and follows the job: it
# exits 0 with the job's Address; serve logged the job's success and stops with exit 0 on SIGTERM.
# realbluez-deadline: 240
. "$REALBLUEZ_DIR/scenarios/lib/smartsetup.sh"
. "$REALBLUEZ_DIR/scenarios/lib/daemon.sh"
printf '%s\n' "$PASSPHRASE" >/tmp/passphrase
start_monitor
install_policy
start_serve

# kiosk.py's StartDiscovery makes the daemon scan hci0 in rounds; the emulator starts while hci0
# is discovering (the discovery race of lib/smartsetup.sh). A printer the daemon did not hear
# within 30 s is tried again with a fresh kiosk.py and emulator.
KIOSK_PID=
for attempt in 1 2 3; do
    stop_emulator
    rm -f /tmp/pin
    started=$(now_ms)
    /usr/bin/python3 "$REALBLUEZ_REPO/examples/kiosk.py" --printer "$SHORT_ID" --ssid "$SSID" \
        --passphrase-file /tmp/passphrase --pin-file /tmp/pin --timeout 120 </dev/null \
        >"$OUT/kiosk-$attempt.out" 2>"$OUT/kiosk-$attempt.err" &
    KIOSK_PID=$!
    wait_discovering 60 || fail "hci0 never reported Discovering=true after kiosk.py started"
    start_emulator printed --page "$PAGE"
    PIN=$(pin_from_page "$PAGE") || fail "no PIN on the printed page $PAGE"
    printf '%s\n' "$PIN" >/tmp/pin   # read by kiosk.py's agent when the daemon asks (RequestPIN)
    deadline=$((SECONDS + 30))
    until grep -q "^Heard printer $SHORT_ID" "$OUT/kiosk-$attempt.out" || [ "$SECONDS" -ge "$deadline" ]; do
        kill -0 "$KIOSK_PID" 2>/dev/null || break
        sleep 0.2
    done
    grep -q "^Heard printer $SHORT_ID" "$OUT/kiosk-$attempt.out" && break
    log "attempt $attempt: the daemon did not hear printer $SHORT_ID within 30 s"
    sed 's/^/    /' "$OUT/kiosk-$attempt.out" "$OUT/kiosk-$attempt.err"
    kill -TERM "$KIOSK_PID" 2>/dev/null
    wait "$KIOSK_PID" 2>/dev/null
    KIOSK_PID=
done
[ -n "$KIOSK_PID" ] || fail "the daemon did not hear printer $SHORT_ID in 3 attempts"
figure kiosk_attempts "$attempt"
RC=0
wait "$KIOSK_PID" || RC=$?
figure kiosk_wall_ms $(($(now_ms) - started))
log "kiosk.py exited $RC"
sed 's/^/    /' "$OUT/kiosk-$attempt.out" "$OUT/kiosk-$attempt.err"
[ "$RC" -eq 0 ] || fail "kiosk.py exited $RC, expected 0"
grep -q "^Printer $SHORT_ID joined $SSID at 192.168.1.57/24\.$" "$OUT/kiosk-$attempt.out" \
    || fail "kiosk.py did not report printer $SHORT_ID joined $SSID at 192.168.1.57/24 (the job's Address)"
grep -q '^\[succeeded\]' "$OUT/kiosk-$attempt.out" || fail "kiosk.py did not show the job succeeded"
grep -q 'join: connected 192.168.1.57/24' "$OUT/emulate.log" || fail "the emulator did not report joining HomeNet"
stop_serve
grep -q 'succeeded' "$OUT/serve.log" || fail "serve logged no succeeded job"
expect_no_secret "$PIN" "$PASSPHRASE"
log "PASS"
