# Shared by the smartsetup-* scenarios (sourced, not run): the host-built `smartsetup` CLI as the
# printer (`emulate` on hci1) and as the central (`scan` / `pair` on hci0), with deadlines,
# timestamped JSON lines, a dbus-monitor trace and timings.json.
#
# Discovery race (README, "Discovery race"): btvirt sends an advertising report only when
# advertising or scanning is enabled, and the kernel drops a report that arrives before hci0 is
# "finding". The emulated printer re-registers its advertisement only when its flags change, so
# the nudge here is ordering: start the central's scan, wait until hci0 reports Discovering=true,
# and only then start the emulator, whose RegisterAdvertisement enables advertising while hci0
# is finding. A miss is retried with a fresh emulator (a new PIN: read the page again after it).
set -uo pipefail

SS=${REALBLUEZ_SMARTSETUP:-$REALBLUEZ_REPO/.build/debug/smartsetup}
OUT=$REALBLUEZ_RESULTS
CENTRAL=hci0
PRINTER_ADAPTER=hci1
PRINTER_BDADDR=00:AA:01:01:00:01
SHORT_ID=3F0A
SSID=HomeNet
PASSPHRASE='correct horse battery'   # the built-in network table's HomeNet (not a secret)
# How long each `scan` that waits for the emulator runs: Discovering + emulator start-up under TCG
# take 3-6 s; a miss is retried (scan_with_emulator).
SCAN_TIMEOUT=12
EMULATOR_PID=
MONITOR_PID=

# Under TCG every fork+exec over 9p costs 0.3-1.5 s: helpers here avoid spawning processes.
log() {
    local t=$EPOCHREALTIME frac
    frac=${t#*.}
    printf '[%(%T)T.%s] %s\n' "${t%.*}" "${frac:0:3}" "$*"
}
fail() { log "FAIL: $*"; exit 1; }

[ -x "$SS" ] || fail "$SS is missing: build it on the host (swift build --product smartsetup)"
mkdir -p "$OUT"
: >"$OUT/timings.env"

# Records one figure (name, value) for timings.json.
figure() { echo "$1=$2" >>"$OUT/timings.env"; log "figure $1 = $2"; }

now_ms() { local t=${EPOCHREALTIME/./}; echo "${t:0:-3}"; }

# Starts `dbus-monitor --system` on org.bluez's signals and calls into $OUT/dbus-monitor.txt.
start_monitor() {
    dbus-monitor --system "type='signal',sender='org.bluez'" "type='method_call',destination='org.bluez'" \
        "type='method_return'" "type='error'" >"$OUT/dbus-monitor.txt" 2>&1 &
    MONITOR_PID=$!
    sleep 0.5
}

# Waits (deadline $2 s) until hci0's Discovering is true.
wait_discovering() {
    local deadline=$((SECONDS + ${1:-20}))
    while [ "$SECONDS" -lt "$deadline" ]; do
        busctl get-property org.bluez /org/bluez/$CENTRAL org.bluez.Adapter1 Discovering 2>/dev/null | grep -q true && return 0
        sleep 0.1
    done
    return 1
}

# Starts `smartsetup emulate --adapter hci1 --auth $1 [more args]` in the background (output with
# ms timestamps into $OUT/emulate.log) and waits (60 s) for its "advertising on" line.
start_emulator() {
    local from
    from=$({ wc -l <"$OUT/emulate.log"; } 2>/dev/null || echo 0)
    "$SS" emulate --adapter "$PRINTER_ADAPTER" --short-id "$SHORT_ID" --auth "$@" </dev/null \
        > >(while IFS= read -r line; do echo "$(now_ms) $line"; done >>"$OUT/emulate.log") 2>&1 &
    EMULATOR_PID=$!
    local deadline=$((SECONDS + 60))
    while [ "$SECONDS" -lt "$deadline" ]; do
        tail -n +"$((from + 1))" "$OUT/emulate.log" 2>/dev/null | grep -q "advertising on $PRINTER_ADAPTER" && return 0
        kill -0 "$EMULATOR_PID" 2>/dev/null || break
        sleep 0.2
    done
    cat "$OUT/emulate.log"
    fail "the emulator exited or did not start advertising within 60 s (its output is above)"
}

# Stops the emulator (SIGTERM, 10 s deadline, then SIGKILL).
stop_emulator() {
    [ -n "$EMULATOR_PID" ] || return 0
    kill -TERM "$EMULATOR_PID" 2>/dev/null
    local deadline=$((SECONDS + 10))
    while kill -0 "$EMULATOR_PID" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
    kill -KILL "$EMULATOR_PID" 2>/dev/null
    EMULATOR_PID=
}

# Runs the CLI: `run_cli NAME ARGS...` writes "ms line" pairs to $OUT/NAME.log (stdout and stderr)
# and the bare stdout to $OUT/NAME.out; sets RC and WALL_MS.
run_cli() {
    local name=$1
    shift
    local started
    started=$(now_ms)
    "$SS" "$@" </dev/null 2>"$OUT/$name.err" | tee "$OUT/$name.out" \
        | while IFS= read -r line; do echo "$(now_ms) $line"; done >"$OUT/$name.log"
    RC=${PIPESTATUS[0]}
    WALL_MS=$(($(now_ms) - started))
    echo "$started start" >>"$OUT/$name.log"
    log "smartsetup $1 ($name): exit $RC after $WALL_MS ms"
    sed 's/^/    /' "$OUT/$name.out" "$OUT/$name.err"
}

# Runs `smartsetup scan` while the emulator starts (see the race above); retries up to 3 times.
# $1: auth method, more args for emulate. On return the printer is known to hci0's bluetoothd.
scan_with_emulator() {
    local attempt
    for attempt in 1 2 3; do
        stop_emulator
        local started
        started=$(now_ms)
        "$SS" scan --adapter "$CENTRAL" --json --timeout "$SCAN_TIMEOUT" </dev/null >"$OUT/scan-$attempt.out" 2>"$OUT/scan-$attempt.err" &
        local scan_pid=$!
        wait_discovering 30 || { kill "$scan_pid" 2>/dev/null; fail "hci0 never reported Discovering=true"; }
        local discovering
        discovering=$(now_ms)
        start_emulator "$@"
        local advertising
        advertising=$(now_ms)
        wait "$scan_pid"
        SCAN_RC=$?
        SCAN_MS=$(($(now_ms) - started))
        log "scan attempt $attempt: exit $SCAN_RC after $SCAN_MS ms (Discovering at +$((discovering - started)) ms, emulator advertising at +$((advertising - started)) ms)"
        sed 's/^/    /' "$OUT/scan-$attempt.out" "$OUT/scan-$attempt.err"
        SCAN_OUT=$OUT/scan-$attempt.out
        figure scan_attempts "$attempt"
        if has_event "$SCAN_OUT" printer ".shortId == \"$SHORT_ID\""; then
            return 0
        fi
    done
    fail "3 scans did not find printer $SHORT_ID"
}

# Scans (up to 3 times) until hci0 hears the running emulator: btvirt sends an advertising report
# only when advertising or scanning is switched on, and the kernel drops one that arrives before
# hci0 is finding (the race above), so after the controllers or bluetoothd come back a scan can
# miss a printer that is advertising all along. A real controller repeats its advertisement.
scan_until_found() {
    local attempt
    for attempt in 1 2 3; do
        run_cli "scan-again-$attempt" scan --adapter "$CENTRAL" --json --timeout "$SCAN_TIMEOUT"
        figure scan_again_attempts "$attempt"
        has_event "$OUT/scan-again-$attempt.out" printer ".shortId == \"$SHORT_ID\"" && return 0
    done
    fail "3 scans did not hear printer $SHORT_ID again"
}

# After bluetoothd or the controllers came back under a running emulator: waits (60 s) for the
# emulator's "registered again" line and records registered_again_ms since $1 (ms).
wait_registered_again() {
    local deadline=$((SECONDS + 60))
    until grep -q "hci1 is back: GATT service and advertisement registered again" "$OUT/emulate.log"; do
        [ "$SECONDS" -lt "$deadline" ] || { cat "$OUT/emulate.log"; fail "the emulator did not register again within 60 s"; }
        sleep 0.2
    done
    figure registered_again_ms $(($(now_ms) - $1))
}

# Pairs once with PIN $1 (after a harness scan, see scan_until_found) and expects exit 0, the
# printer's address and no secret in any output; $2 says after what, for the failure message.
pair_once_after() {
    scan_until_found
    printf '%s\n' "$1" >/tmp/pin
    run_cli pair pair --adapter "$CENTRAL" --printer "$SHORT_ID" --ssid "$SSID" --passphrase-file /tmp/passphrase \
        --pin-file /tmp/pin --scan-time 10 --timeout 120 --json
    [ "$RC" -eq 0 ] || fail "pair after $2 exited $RC, expected 0"
    expect_event pair paired ".address == \"192.168.1.57/24\" and .shortId == \"$SHORT_ID\""
    expect_no_secret "$1" "$PASSPHRASE"
    pair_figures pair
}

# What the printed-PIN scenarios start with: the passphrase file /tmp/passphrase, the D-Bus trace,
# and `emulate --auth printed --page $PAGE` found by a scan; sets PIN from the page.
PAGE=$OUT/printer.page
start_printed_printer() {
    printf '%s\n' "$PASSPHRASE" >/tmp/passphrase
    start_monitor
    scan_with_emulator printed --page "$PAGE"
    PIN=$(pin_from_page "$PAGE") || fail "no PIN on the printed page $PAGE"
}

# The PIN from the printed page $1 (waits 30 s for it).
pin_from_page() {
    local deadline=$((SECONDS + 30)) pin=
    while [ "$SECONDS" -lt "$deadline" ]; do
        pin=$(sed -n 's/^Wi-Fi setup PIN: \([0-9]\{4\}\)-\([0-9]\{4\}\)$/\1\2/p' "$1" 2>/dev/null)
        [ -n "$pin" ] && { echo "$pin"; return 0; }
        sleep 0.2
    done
    ls -la "$(dirname "$1")" >&2
    head -c 600 "$1" | cat -A >&2
    return 1
}

# A valid PIN (WPS checksum) other than $1: first digit + 1, checksum recomputed.
other_valid_pin() {
    local pin=$1 d=() i sum=0
    for i in 0 1 2 3 4 5 6; do d[i]=${pin:i:1}; done
    d[0]=$(((d[0] + 1) % 10))
    for i in 0 2 4 6; do sum=$((sum + 3 * d[i])); done
    for i in 1 3 5; do sum=$((sum + d[i])); done
    echo "${d[0]}${d[1]}${d[2]}${d[3]}${d[4]}${d[5]}${d[6]}$(((10 - sum % 10) % 10))"
}

# Whether the JSON lines file $1 has an object with event $2 matching the jq condition $3.
# (jq 1.6's -e looks at the last input only, hence [inputs | select] | length.)
has_event() {
    jq -n -e --arg e "$2" "[inputs | select(.event == \$e and (${3:-true}))] | length > 0" "$1" >/dev/null 2>&1
}

# Asserts that $OUT/$1.out has an event $2 (optionally matching the jq condition $3).
expect_event() {
    has_event "$OUT/$1.out" "$2" "${3:-true}" || fail "$1: no \"$2\" event with ${3:-true}"
}

# Asserts that $OUT/$1.out has every event named after $1 (one jq run for all of them).
expect_events() {
    local name=$1 missing
    shift
    missing=$(jq -rn --args '[inputs | .event] as $seen | $ARGS.positional - $seen | join(" ")' \
        "$@" <"$OUT/$name.out") || fail "$name: cannot read $OUT/$name.out"
    [ -z "$missing" ] || fail "$name: no $missing event(s)"
}

# Asserts that $OUT/$1.out has no event $2.
expect_no_event() {
    has_event "$OUT/$1.out" "$2" && fail "$1: unexpected \"$2\" event"
    return 0
}

# Asserts that no secret ($@) appears in any output of this scenario except the printed page and
# the D-Bus trace (the PIN is on the page by design; the trace holds only ciphertext, in which an
# 8-digit string could appear by chance). A grep error fails too: it must never pass by accident.
expect_no_secret() {
    local secret hits rc
    for secret in "$@"; do
        hits=$(grep -rlF --exclude='*.page' --exclude='dbus-monitor.txt' -e "$secret" -- "$OUT")
        rc=$?
        [ "$rc" -le 1 ] || fail "cannot search $OUT for secrets (grep exit $rc)"
        [ -z "$hits" ] || fail "a secret appears in $(tr '\n' ' ' <<<"$hits")"
    done
}

# Records the figures of pair run $1 into timings.env (one awk run over the timestamped log
# $OUT/$1.log, "ms line" pairs): wall time, the gaps between the CLI's first events of each kind,
# and the round trips to credentials-accepted.
pair_figures() {
    local name=$1
    awk -v name="$name" -v wall="$WALL_MS" '
        $2 == "start" { at["start"] = $1; next }
        match($0, /"event":"[a-z-]+"/) {
            event = substr($0, RSTART + 9, RLENGTH - 10)
            if (!(event in at)) at[event] = $1
            if (event == "credentials-accepted" && match($0, /"roundTrips":[0-9]+/)) trips = substr($0, RSTART + 13, RLENGTH - 13)
        }
        function gap(label, from, to) {
            if ((from in at) && (to in at)) printf "%s_%s_ms=%d\n", name, label, at[to] - at[from]
        }
        END {
            printf "%s_wall_ms=%d\n", name, wall
            gap("start_to_scanning", "start", "scanning")
            gap("scanning_to_found", "scanning", "found")
            gap("connecting_to_connected", "connecting", "connected")
            gap("connected_to_authenticated", "connected", "authenticated")
            gap("authenticated_to_accepted", "authenticated", "credentials-accepted")
            gap("accepted_to_paired", "credentials-accepted", "paired")
            if (trips != "") printf "%s_round_trips_to_accepted=%s\n", name, trips
        }' "$OUT/$name.log" | tee -a "$OUT/timings.env" | sed 's/^/    figure /'
}

# Writes timings.json from timings.env plus the dbus-monitor figures (Connect call → Connected,
# → ServicesResolved) and the host load.
write_timings() {
    /usr/bin/python3 "$REALBLUEZ_DIR/python/ss_timings.py" "$OUT" || log "timings.json not written"
}

cleanup() {
    stop_emulator
    [ -n "$MONITOR_PID" ] && kill "$MONITOR_PID" 2>/dev/null
    write_timings
}
trap cleanup EXIT

# Replaces the guest's btvirt by one with $1 LE controllers (hci0 ... hci<$1-1>) and waits until
# bluetoothd shows them all. A controller that misses the kernel's first HCI Reset under TCG never
# appears (the guest's known race): btvirt is started again then, up to 3 times. The guest stops
# every btvirt before the next scenario.
controllers_on_dbus() { busctl --system tree --list org.bluez 2>/dev/null | grep -cE '^/org/bluez/hci[0-9]+$'; }
restart_btvirt() {
    local count=$1 started attempt deadline
    pkill -x btvirt || fail "no btvirt running"
    deadline=$((SECONDS + 30))
    until [ "$(controllers_on_dbus)" -eq 0 ]; do
        [ "$SECONDS" -lt "$deadline" ] || fail "the adapters did not leave D-Bus within 30 s"
        sleep 0.2
    done
    started=$(now_ms)
    for attempt in 1 2 3; do
        setsid btvirt -L -l"$count" >>"$OUT/btvirt.log" 2>&1 </dev/null &
        deadline=$((SECONDS + 30))
        until [ "$(controllers_on_dbus)" -eq "$count" ] || [ "$SECONDS" -ge "$deadline" ]; do sleep 0.2; done
        [ "$(controllers_on_dbus)" -eq "$count" ] && break
        log "$count controllers did not come up (attempt $attempt, $(controllers_on_dbus) on D-Bus): starting btvirt again"
        pkill -x btvirt
        sleep 1
    done
    [ "$(controllers_on_dbus)" -eq "$count" ] || fail "$count controllers were not on D-Bus after 3 starts of btvirt"
    figure "controllers_${count}_ms" $(($(now_ms) - started))
}

# Leaves no link and no pending connection, then stops the scenario's own btvirt and waits (30 s)
# until its controllers left D-Bus: every device is removed first, because the guest kernel (6.1)
# oopsed in hci_chan_del when bluetoothd closed an L2CAP socket of a controller already gone
# (finding 12).
release_controllers() {
    local device deadline
    for device in $(busctl --system tree --list org.bluez 2>/dev/null | grep -E '^/org/bluez/hci[0-9]+/dev_[0-9A-F_]+$'); do
        busctl --system call org.bluez "${device%/dev_*}" org.bluez.Adapter1 RemoveDevice o "$device" >/dev/null 2>&1
    done
    sleep 2
    pkill -x btvirt
    deadline=$((SECONDS + 30))
    while [ "$(controllers_on_dbus)" -gt 0 ] && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
}
