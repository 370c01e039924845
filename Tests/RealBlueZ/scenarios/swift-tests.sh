#!/bin/bash
# Scenario swift-tests: the host-built Swift test bundle's backend-neutral suite
# (EndToEndTests' ServiceOverBlueZTests: the service and an in-process emulated printer through
# the BlueZ client library; happy path, wrong then right PIN, lock-out, button mode, wrong then
# corrected passphrase, network not found, static IP, the printer dropping the link) against this
# real bluetoothd instead of the simulated one: SMARTSETUP_TEST_BLUEZ_BUS names the guest's system
# bus. The bundle runs directly (the root is read-only; no `swift test`). Passes when every test
# passed and each ran against "real bluetoothd" (the test-case argument the suite prints).
# realbluez-deadline: 420
set -uo pipefail
BUNDLE=${REALBLUEZ_TEST_BUNDLE:-$REALBLUEZ_REPO/.build/debug/smartsetupPackageTests.xctest}
[ -x "$BUNDLE" ] || { echo "FAIL: $BUNDLE is missing: build it on the host (swift build --build-tests)"; exit 1; }
export SMARTSETUP_TEST_BLUEZ_BUS=unix:path=/run/dbus/system_bus_socket
OUT=$REALBLUEZ_RESULTS/swift-tests.txt
# A timestamped trace of what bluetoothd said and was asked, for the figures and post-mortems.
dbus-monitor --system "type='signal',sender='org.bluez'" "type='method_call',destination='org.bluez'" \
    "type='error'" >"$REALBLUEZ_RESULTS/dbus-monitor.txt" 2>&1 &
sleep 0.5
"$BUNDLE" --testing-library swift-testing --filter 'ServiceOverBlueZTests' --verbose \
    --xunit-output "$REALBLUEZ_RESULTS/swift-tests.xml" 2>&1 | sed 's/\x1b\[[0-9;]*m//g' | tee "$OUT"
rc=${PIPESTATUS[0]}
[ "$rc" -eq 0 ] || { echo "FAIL: the test bundle exited $rc"; exit 1; }
real=$(grep -c '✔ Test case passing 1 argument backend → real bluetoothd .* passed after' "$OUT")
[ "$real" -ge 8 ] || { echo "FAIL: $real test cases ran against real bluetoothd, expected 8 passed"; exit 1; }
grep -q 'Test run with 8 tests in 1 suite passed' "$OUT" || { echo "FAIL: not all 8 tests passed"; exit 1; }
echo "PASS: 8 tests against real bluetoothd"
