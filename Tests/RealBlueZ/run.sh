#!/usr/bin/env bash
# The real-BlueZ tier: boots Debian's own kernel under qemu (TCG), where hci_vhci + btvirt give two
# virtual LE controllers to a real bluetoothd, and runs Tests/RealBlueZ/scenarios/*.sh inside.
#
# usage: bash Tests/RealBlueZ/run.sh [--record] [--allow-skip] [SCENARIO...]
#   --record      copy each passing scenario's recordings into Tests/RealBlueZ/reference/<scenario>/
#   --allow-skip  exit 0 instead of 77 when qemu cannot run here (the SKIP line is still printed)
#   SCENARIO      run only these scenarios (file names without .sh); default: all but the opt-in ones
# Exit codes: 0 all scenarios passed, 1 a scenario or the VM failed, 77 qemu cannot run here.
# Environment: REALBLUEZ_RUN_DEADLINE (s, whole VM run; default 120 + the scenarios' deadlines),
#              REALBLUEZ_SCENARIO_DEADLINE (s, each scenario without its own
#              "# realbluez-deadline: N" line, default 150),
#              REALBLUEZ_BTMON=1 (record all HCI traffic to .build-vm/results/hci.btsnoop),
#              REALBLUEZ_SMARTSETUP (the smartsetup binary the smartsetup-* scenarios run;
#              default .build/debug/smartsetup; must be below / and outside /tmp, /run, /var/tmp).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
CACHE=$REPO/.build-vm
SCENARIO_DEADLINE=${REALBLUEZ_SCENARIO_DEADLINE:-150}

log() { echo "realbluez: $*" >&2; }

record=false
allow_skip=false
scenarios=()
for arg in "$@"; do
    case "$arg" in
    --record) record=true ;;
    --allow-skip) allow_skip=true ;;
    -h | --help) sed -n '2,16p' "$0"; exit 0 ;;
    -*) log "unknown option $arg"; exit 1 ;;
    *)
        [ -f "$HERE/scenarios/$arg.sh" ] || { log "no scenario $arg"; exit 1; }
        scenarios+=("$arg")
        ;;
    esac
done
# Opt-in scenarios run only when named: smartsetup-two-centrals leaves btvirt a half-up LE link
# whose teardown oopsed the guest kernel (finding 12) and ended every later scenario (finding 13).
OPT_IN=" smartsetup-two-centrals "
if [ "${#scenarios[@]}" -eq 0 ]; then
    for s in "$HERE"/scenarios/*.sh; do
        name=$(basename "$s" .sh)
        case "$OPT_IN" in *" $name "*) continue ;; esac
        scenarios+=("$name")
    done
fi

# shellcheck source=vm/prepare.sh
. "$HERE/vm/prepare.sh"
prepared=0
prepare_vm || prepared=$?
if [ "$prepared" -eq 77 ]; then
    $allow_skip && exit 0
    exit 77
fi
[ "$prepared" -eq 0 ] || { log "FAIL: could not prepare the VM"; exit 1; }

# The whole run's deadline: boot and controller restarts, plus every scenario's own deadline.
# A scenario may ask for more than the default with a "# realbluez-deadline: N" line.
scenario_deadline() {
    local own
    own=$(sed -n 's/^# realbluez-deadline: \([0-9][0-9]*\)$/\1/p' "$HERE/scenarios/$1.sh" | head -1)
    echo "${own:-$SCENARIO_DEADLINE}"
}
RUN_DEADLINE=${REALBLUEZ_RUN_DEADLINE:-}
if [ -z "$RUN_DEADLINE" ]; then
    RUN_DEADLINE=120
    for name in "${scenarios[@]}"; do RUN_DEADLINE=$((RUN_DEADLINE + 30 + $(scenario_deadline "$name"))); done
fi

RESULTS=$CACHE/results
rm -rf "$RESULTS"
mkdir -p "$RESULTS"
cat >"$RESULTS/vm.env" <<ENV
REPO='$REPO'
KROOT='$KROOT'
KVER='$KVER'
SCENARIO_DEADLINE='$SCENARIO_DEADLINE'
SCENARIOS='${scenarios[*]}'
HOST_LOADAVG='$(cut -d' ' -f1-3 /proc/loadavg)'
BTMON='${REALBLUEZ_BTMON:-0}'
SMARTSETUP='${REALBLUEZ_SMARTSETUP:-}'
ENV

log "booting $KVER under qemu (TCG); scenarios: ${scenarios[*]}"
started=$SECONDS
set +e
timeout -k 10 "$RUN_DEADLINE" qemu-system-x86_64 \
    -machine pc -accel tcg,thread=multi -cpu max -smp 2 -m 1024 \
    -nodefaults -no-user-config -display none -no-reboot \
    -serial "file:$RESULTS/console.log" \
    -kernel "$VMLINUX" -initrd "$INITRAMFS" \
    -append "console=ttyS0 loglevel=4 panic=-1 cryptomgr.notests=1 realbluez.results=$RESULTS realbluez.guest=$HERE/vm/guest.sh realbluez.repo=$REPO" \
    -fsdev "local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap" \
    -device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot \
    -fsdev "local,id=results,path=$RESULTS,security_model=none,multidevs=remap" \
    -device virtio-9p-pci,fsdev=results,mount_tag=results \
    >"$RESULTS/qemu.log" 2>&1
qemu_rc=$?
set -e
wall=$((SECONDS - started))

status=$(cat "$RESULTS/guest.status" 2>/dev/null || echo "no status")
if [ "$qemu_rc" -eq 124 ] || [ "$qemu_rc" -eq 137 ]; then
    status="whole-run deadline of $RUN_DEADLINE s passed"
fi
log "VM finished after $wall s: $status"

passed=0
failed=0
failures=()
for name in "${scenarios[@]}"; do
    rc=none secs=-
    [ -f "$RESULTS/scenarios/$name.rc" ] && read -r rc secs <"$RESULTS/scenarios/$name.rc"
    if [ "$rc" = 0 ]; then
        passed=$((passed + 1))
        log "PASS $name (${secs} s)"
        if $record; then
            rm -rf "$HERE/reference/$name"
            mkdir -p "$HERE/reference"
            cp -r "$RESULTS/scenarios/$name" "$HERE/reference/$name"
        fi
    else
        failed=$((failed + 1))
        failures+=("$name")
        if [ "$rc" = none ]; then log "FAIL $name (did not run)"; else log "FAIL $name (exit $rc)"; fi
    fi
done

for name in "${failures[@]}"; do
    echo "----- log of scenario $name -----"
    cat "$RESULTS/scenarios/$name.log" 2>/dev/null || echo "(the scenario did not run)"
done
if [ "$failed" -gt 0 ]; then
    echo "----- tail of bluetoothd's log -----"
    tail -n 40 "$RESULTS/bluetoothd.log" 2>/dev/null || echo "(no bluetoothd log)"
    if [ "$status" != done ]; then
        echo "----- tail of the guest console and timeline -----"
        tail -n 20 "$RESULTS/console.log" 2>/dev/null
        cat "$RESULTS/timeline.log" 2>/dev/null
        tail -n 5 "$RESULTS/qemu.log" 2>/dev/null
    fi
fi
echo "realbluez: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$status" = done ]
