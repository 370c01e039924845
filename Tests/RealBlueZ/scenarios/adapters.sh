#!/bin/bash
# Scenario adapters: see python/adapters.py.
exec /usr/bin/python3 "$REALBLUEZ_DIR/python/adapters.py"
