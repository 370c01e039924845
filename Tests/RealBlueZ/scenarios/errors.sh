#!/bin/bash
# Scenario errors: see python/errors.py.
exec /usr/bin/python3 "$REALBLUEZ_DIR/python/errors.py"
