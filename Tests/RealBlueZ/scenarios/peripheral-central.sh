#!/bin/bash
# Scenario peripheral-central: see python/peripheral_central.py.
exec /usr/bin/python3 "$REALBLUEZ_DIR/python/peripheral_central.py"
