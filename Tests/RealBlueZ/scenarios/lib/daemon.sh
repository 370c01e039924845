# Shared by the smartsetup-serve-* scenarios (sourced after lib/smartsetup.sh, not run): the kiosk
# service `smartsetup serve` installed as on a real machine, on the guest's system bus beside
# bluetoothd. The guest's / is the host's, read-only: the repo's D-Bus policy
# (packaging/dbus/io.smartsetup1.conf) goes into a copy of /usr/share/dbus-1/system.d that is
# bind-mounted over the original for this scenario, and the bus reloads its configuration.
# serve runs as root (the unit's User=smartsetup needs the Debian package's users and groups,
# which are not part of this guest), with its state in /tmp.

SERVE_PID=
POLICY_DIR=/tmp/dbus-system.d

# Installs the policy (see above) and makes the system bus read it.
install_policy() {
    mkdir -p "$POLICY_DIR"
    cp -a /usr/share/dbus-1/system.d/. "$POLICY_DIR/" 2>/dev/null
    cp "$REALBLUEZ_REPO/packaging/dbus/io.smartsetup1.conf" "$POLICY_DIR/"
    mount --bind "$POLICY_DIR" /usr/share/dbus-1/system.d || fail "cannot bind-mount the D-Bus policy directory"
    busctl --system call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus ReloadConfig \
        || fail "the system bus did not reload its configuration"
    log "D-Bus policy io.smartsetup1.conf installed in /usr/share/dbus-1/system.d"
}

# Starts `smartsetup serve --adapter hci0 [more args]` on the system bus (stderr into
# $OUT/serve.log) and waits (60 s) until io.smartsetup1 answers a Ping.
start_serve() {
    mkdir -p /tmp/smartsetup-state
    local started
    started=$(now_ms)
    "$SS" serve --adapter "$CENTRAL" --state-dir /tmp/smartsetup-state "$@" </dev/null 2>"$OUT/serve.log" &
    SERVE_PID=$!
    local deadline=$((SECONDS + 60))
    until busctl --system call io.smartsetup1 /io/smartsetup1 org.freedesktop.DBus.Peer Ping >/dev/null 2>&1; do
        kill -0 "$SERVE_PID" 2>/dev/null || { cat "$OUT/serve.log"; fail "smartsetup serve exited"; }
        [ "$SECONDS" -lt "$deadline" ] || { cat "$OUT/serve.log"; fail "io.smartsetup1 did not answer within 60 s"; }
        sleep 0.2
    done
    figure serve_ready_ms $(($(now_ms) - started))
}

# Stops serve (SIGTERM: it cancels, records and exits 0 within 5 s) and asserts its exit code.
stop_serve() {
    [ -n "$SERVE_PID" ] || return 0
    kill -TERM "$SERVE_PID" 2>/dev/null
    local rc=0
    wait "$SERVE_PID" || rc=$?
    SERVE_PID=
    [ "$rc" -eq 0 ] || fail "smartsetup serve exited $rc after SIGTERM, expected 0"
}

# Removes the policy again and reloads (what the next scenario sees is the guest as it was).
uninstall_policy() {
    mountpoint -q /usr/share/dbus-1/system.d || return 0
    umount /usr/share/dbus-1/system.d
    busctl --system call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus ReloadConfig >/dev/null 2>&1
}

daemon_cleanup() {
    [ -n "$SERVE_PID" ] && kill -TERM "$SERVE_PID" 2>/dev/null && wait "$SERVE_PID" 2>/dev/null
    [ -s "$OUT/serve.log" ] && { echo "--- serve's log"; cat "$OUT/serve.log"; }
    uninstall_policy
    cleanup
}
trap daemon_cleanup EXIT
