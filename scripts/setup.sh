#!/usr/bin/env bash
# Installs the Debian packages smartsetup needs to build, test and run (idempotent; needs root or
# sudo). Swift 6.3 itself is expected to be installed already.
set -euo pipefail

packages=(
    libdbus-1-dev     # libdbus-1 headers and pkg-config file (CDBus)
    libbluetooth-dev  # BlueZ headers and pkg-config file
    dbus              # dbus-daemon: the private buses of the tests and `smartsetup sim`
    dbus-bin          # dbus-send, dbus-monitor: real clients in the tests
    pkg-config
    systemd           # busctl: a real client in the tests
    libglib2.0-bin    # gdbus: a real client in the tests
    bluez             # bluetoothctl: a real BlueZ client driven against the simulated BlueZ
    python3-cryptography  # the independent Python implementation that checks Protocol/vectors
    libsqlite3-dev    # SQLite for GRDB (SetupHistory: the provisioning history)
    python3-dbus      # examples/kiosk.py and Tests/DaemonClients: D-Bus clients of `serve`
    python3-gi        # their GLib main loop
    tshark            # runs Tools/wireshark/smartsetup.lua on the committed captures in the tests
)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ "${#missing[@]}" -eq 0 ] && exit 0

sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
