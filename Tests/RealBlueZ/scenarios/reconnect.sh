#!/bin/bash
# Scenario reconnect: see python/reconnect.py (waits for bluetoothd's 30 s temporary-device expiry).
# realbluez-deadline: 240
exec /usr/bin/python3 "$REALBLUEZ_DIR/python/reconnect.py"
