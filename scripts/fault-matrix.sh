#!/usr/bin/env bash
# Regenerates Tests/FAULT-MATRIX.md from a run of the fault-matrix tests (every simulator fault at
# every step of a pairing, then a retry): the table is what the run saw, never written by hand.
# The same tests run in every `swift test`; this only keeps the committed table current. It runs
# the suite alone, so SMARTSETUP_FAULT_MATRIX_ALONE=1 makes file-descriptor growth in a cell an error
# (in the whole `swift test` other suites share the process, so there it is a warning).
set -euo pipefail
cd "$(dirname "$0")/.."
SMARTSETUP_FAULT_MATRIX="$PWD/Tests/FAULT-MATRIX.md" SMARTSETUP_FAULT_MATRIX_ALONE=1 swift test --filter FaultMatrixTests
echo "fault-matrix: wrote Tests/FAULT-MATRIX.md"
