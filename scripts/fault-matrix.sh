#!/usr/bin/env bash
# Regenerates Tests/FAULT-MATRIX.md from a run of the fault-matrix tests (every simulator fault at
# every step of a pairing, then a retry): the table is what the run saw, never written by hand.
# The same tests run in every `swift test`; this only keeps the committed table current.
set -euo pipefail
cd "$(dirname "$0")/.."
SMARTSETUP_FAULT_MATRIX="$PWD/Tests/FAULT-MATRIX.md" swift test --filter FaultMatrixTests
echo "fault-matrix: wrote Tests/FAULT-MATRIX.md"
