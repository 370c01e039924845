#!/bin/bash
# Scenario bluetoothctl: see python/bluetoothctl.py.
exec /usr/bin/python3 "$REALBLUEZ_DIR/python/bluetoothctl.py"
