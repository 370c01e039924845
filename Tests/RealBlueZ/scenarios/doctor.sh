#!/bin/bash
# Scenario doctor: `smartsetup doctor --json` on btvirt's two controllers and real bluetoothd.
# Asserts real values: the kernel has Bluetooth; each controller's address is btvirt's and the
# one bluetoothd shows on D-Bus, it is up, supports LE, answers HCI_Read_Local_Version with a
# named HCI version and manufacturer 1521 (The Linux Foundation, btvirt's company id; the same as
# `btmgmt info` says, when it answers); bluetoothd is running and this user may call it;
# both adapters are powered and have the central role; the smartsetup daemon and NetworkManager
# are reported as not running (information, not errors); the verdict is ready (0, or 30 with
# warnings from the host's main.conf). `--adapter hci9` exits 32.
set -uo pipefail
SS=${REALBLUEZ_SMARTSETUP:-$REALBLUEZ_REPO/.build/debug/smartsetup}
OUT=$REALBLUEZ_RESULTS
mkdir -p "$OUT"
fail() { echo "FAIL: $*"; exit 1; }
[ -x "$SS" ] || fail "$SS is missing: build it on the host (swift build --product smartsetup)"

"$SS" doctor --json >"$OUT/doctor.json" 2>"$OUT/doctor.stderr"
rc=$?
cat "$OUT/doctor.json"
"$SS" doctor >"$OUT/doctor.txt" 2>&1
cat "$OUT/doctor.txt"
check() { jq -c --arg id "$1" 'select(.event == "check" and .id == $id)' "$OUT/doctor.json"; }
field() { check "$1" | jq -r ".$2"; }

[ "$(field kernel status)" = ok ] || fail "kernel: $(check kernel)"
[ "$(field rfkill status)" = ok ] || fail "rfkill: $(check rfkill)"
declare -A expected=([hci0]=00:AA:01:00:00:00 [hci1]=00:AA:01:01:00:01)
for hci in hci0 hci1; do
    line=$(check "controller.$hci")
    [ -n "$line" ] || fail "no line for controller $hci"
    [ "$(jq -r .status <<<"$line")" = ok ] || fail "controller $hci: $line"
    found=$(jq -r .found <<<"$line")
    dbus_address=$(busctl --system get-property org.bluez "/org/bluez/$hci" org.bluez.Adapter1 Address | sed 's/^s "\(.*\)"$/\1/')
    [ "${found%%,*}" = "${expected[$hci]}" ] || fail "$hci address: $found, expected ${expected[$hci]}"
    [ "${found%%,*}" = "$dbus_address" ] || fail "$hci address: $found, bluetoothd says $dbus_address"
    [[ $found == *", up, LE supported, HCI "* ]] || fail "$hci: not up with LE: $found"
    [[ $found == *"manufacturer The Linux Foundation (1521)"* ]] || fail "$hci manufacturer: $found"
    hci_version=$(sed -n 's/.*HCI [^(]* (\([0-9]*\), revision.*/\1/p' <<<"$found")
    hci_name=$(sed -n 's/.*HCI \([^ ]*\) (.*/\1/p' <<<"$found")
    [ -n "$hci_version" ] && [ "$hci_name" != unknown ] || fail "$hci HCI version not read: $found"
    if command -v btmgmt >/dev/null; then
        # A cross-check when btmgmt answers (under TCG it may print nothing before its timeout).
        info=$(timeout 20 btmgmt --index "${hci#hci}" info </dev/null 2>&1 | tr '\n' ' ')
        echo "btmgmt --index ${hci#hci} info: $info"
        if [[ $info == *"version "* ]]; then
            [[ $info == *"version $hci_version "* ]] || fail "$hci: btmgmt says '$info', doctor says HCI $hci_version"
            [[ $info == *"manufacturer 1521"* ]] || fail "$hci: btmgmt says '$info'"
        fi
    fi
    adapter=$(check "adapter.$hci")
    [ "$(jq -r .status <<<"$adapter")" = ok ] || fail "adapter $hci: $adapter"
    [[ $(jq -r .found <<<"$adapter") == "${expected[$hci]}, powered, roles "*central* ]] || fail "adapter $hci: $adapter"
    echo "$hci: $found"
done
[ "$(field bluetoothd status)" = ok ] || fail "bluetoothd: $(check bluetoothd)"
[[ $(field bluetoothd found) == *"installed bluetoothd 5."* ]] || fail "bluetoothd version: $(check bluetoothd)"
[ "$(field bluez-access status)" = ok ] || fail "access: $(check bluez-access)"
[ "$(field daemon status)" = info ] && [[ $(field daemon found) == "not running"* ]] || fail "daemon: $(check daemon)"
[ "$(field networkmanager status)" = info ] || fail "NetworkManager: $(check networkmanager)"
verdict=$(jq -c 'select(.event == "verdict")' "$OUT/doctor.json")
[ "$rc" -eq 0 ] || [ "$rc" -eq 30 ] || fail "doctor exited $rc: $verdict"
[ "$(jq -r .exitCode <<<"$verdict")" = "$rc" ] || fail "verdict $verdict, exit $rc"
[ -s "$OUT/doctor.stderr" ] && fail "stderr: $(cat "$OUT/doctor.stderr")"

"$SS" doctor --adapter hci9 --json >"$OUT/doctor-hci9.json" 2>&1
rc=$?
[ "$rc" -eq 32 ] || fail "doctor --adapter hci9 exited $rc, expected 32"
echo "PASS"
