#!/bin/bash
# Records what real NetworkManager answers over D-Bus for the subset smartsetup uses
# (`pair --host-wifi`): Settings.Connection.GetSettings / GetSecrets replies with their exact D-Bus
# types, the errors (also as unprivileged uids, with and without polkit), the object paths, the
# active-connection properties and StateChanged signals. See README.md.
#
#   bash Tests/RealNetworkManager/record.sh [OUTDIR]     (default: reference/ beside this script)
#
# Needs root (or password-less sudo). NetworkManager runs only inside a new network and mount
# namespace (unshare -n -m) against a private dbus-daemon (bus.conf): the machine's own networking,
# buses, /etc/NetworkManager and /run are never touched. Installing network-manager is done with a
# policy-rc.d that forbids starting services, and the script checks no NetworkManager runs after.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/reference}
deadline=${RECORD_NM_DEADLINE:-30}

if [ -z "${RECORD_NM_INSIDE:-}" ]; then
    if [ "$(id -u)" != 0 ]; then exec sudo -n env "PATH=$PATH" bash "$0" "$@"; fi
    missing=()
    for p in network-manager polkitd dbus-daemon dbus-bin libglib2.0-bin systemd python3; do
        dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        made_policy=""
        if [ ! -e /usr/sbin/policy-rc.d ]; then
            printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod 755 /usr/sbin/policy-rc.d
            made_policy=1
        fi
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
        [ -n "$made_policy" ] && rm -f /usr/sbin/policy-rc.d
    fi
    if pgrep -x NetworkManager >/dev/null; then
        echo "record: a NetworkManager already runs on this machine; this script would not disturb it, but refuses to run beside it" >&2
        exit 1
    fi
    mkdir -p "$out"
    RECORD_NM_INSIDE=1 unshare -n -m --propagation private bash "$0" "$out"
    if pgrep -x NetworkManager >/dev/null; then echo "record: a NetworkManager still runs" >&2; exit 1; fi
    echo "record: done, recordings in $out"
    exit 0
fi

# ---- inside the namespaces from here on ----
W=$(mktemp -d /tmp/nm-record.XXXXXX)
chmod 755 "$W"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$W"; }
trap cleanup EXIT

# Private copies of everything NetworkManager and polkitd write or read as configuration.
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /var/lib/NetworkManager 2>/dev/null || { mkdir -p /var/lib/NetworkManager; mount -t tmpfs tmpfs /var/lib/NetworkManager; }
mount -t tmpfs tmpfs /etc/NetworkManager
mkdir -p "$W/rules" "$W/connections"
cp "$here/../../packaging/polkit/50-smartsetup-networkmanager.rules" "$W/rules/"
chown -R polkitd "$W/rules"; chmod 700 "$W/rules"
mount --bind "$W/rules" /etc/polkit-1/rules.d
# The `smartsetup` service user exists only in this mount namespace.
smartsetup_uid=64990
cp /etc/passwd "$W/passwd"; echo "smartsetup:x:$smartsetup_uid:$smartsetup_uid:smartsetup:/nonexistent:/usr/sbin/nologin" >> "$W/passwd"
cp /etc/group "$W/group"; echo "smartsetup:x:$smartsetup_uid:" >> "$W/group"
mount --bind "$W/passwd" /etc/passwd
mount --bind "$W/group" /etc/group
ip link set lo up

dbus-daemon --config-file="$here/bus.conf" --address="unix:path=$W/bus" --nofork --nopidfile &
pids+=($!)
export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$W/bus"
A=$DBUS_SYSTEM_BUS_ADDRESS
for _ in $(seq 1 $((deadline * 10))); do [ -S "$W/bus" ] && break; sleep 0.1; done
[ -S "$W/bus" ] || { echo "record: the private bus did not start" >&2; exit 1; }

NM=org.freedesktop.NetworkManager
mkdir -p "$out/settings" "$out/secrets" "$out/errors" "$out/objects" "$out/signals"

as_uid() { local u=$1; shift; setpriv --reuid="$u" --regid="$u" --clear-groups "$@"; }
# call OUT ARGS...: a reply as busctl JSON (exact D-Bus signatures, variants typed)
call() { local f=$1; shift; busctl --address="$A" --json=pretty call "$@" > "$f"; }
# error OUT [uid] ARGS: the error name and message as gdbus prints them (busctl omits the name)
error() {
    local f=$1 u=$2; shift 2
    local runner=(); [ "$u" != root ] && runner=(setpriv --reuid="$u" --regid="$u" --clear-groups)
    if "${runner[@]}" gdbus call --address "$A" --timeout 20 "$@" > "$W/err.out" 2>&1; then
        echo "record: expected an error for $f, got a reply" >&2; cat "$W/err.out" >&2; exit 1
    fi
    sed -n 's/^Error: GDBus.Error:\([^:]*\): \(.*\)$/{"name": "\1", "message": "\2"}/p' "$W/err.out" | head -1 > "$f"
    [ -s "$f" ] || { echo "record: no D-Bus error in: $(cat "$W/err.out")" >&2; exit 1; }
}
# secrets OUT PATH SETTING: the reply, or the error if NetworkManager refuses (OUT gets .error.json)
secrets() {
    if ! busctl --address="$A" --json=pretty call $NM "$2" $NM.Settings.Connection GetSecrets s "$3" > "$1.json" 2>/dev/null; then
        rm -f "$1.json"; error "$1.error.json" root $(getsecrets "$2" "$3")
    fi
}
# getsecrets PATH SETTING: gdbus arguments; the setting name as a GVariant text literal
getsecrets() { echo --dest $NM --object-path "$1" --method $NM.Settings.Connection.GetSecrets "'$2'"; }

# 1. No NetworkManager on the bus.
error "$out/errors/not-running.json" root --dest $NM --object-path /org/freedesktop/NetworkManager --method org.freedesktop.DBus.Properties.Get $NM ActiveConnections

# 2. NetworkManager without polkit on the bus (auth-polkit=true, polkitd not started yet).
cat > "$W/nm.conf" <<CONF
[main]
plugins=keyfile
auth-polkit=true
dhcp=internal
dns=none
rc-manager=unmanaged
[keyfile]
path=$W/connections
[logging]
level=INFO
CONF
NetworkManager --no-daemon --config="$W/nm.conf" --config-dir="$W/conf.d" --state-file="$W/NetworkManager.state" --pid-file="$W/nm.pid" > "$W/nm.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 $((deadline * 10))); do busctl --address="$A" status $NM >/dev/null 2>&1 && break; sleep 0.1; done
nmcli general status >/dev/null

busctl --address="$A" --json=pretty get-property $NM /org/freedesktop/NetworkManager $NM Version > "$out/version.json"

# Profiles (fake passphrases).
nmcli connection add type wifi con-name lab-wpa-psk ifname '*' ssid HomeNet wifi-sec.key-mgmt wpa-psk wifi-sec.psk 'correct horse battery' >/dev/null
nmcli connection add type wifi con-name lab-sae-hidden ifname '*' ssid 'Hidden Café' 802-11-wireless.hidden yes wifi-sec.key-mgmt sae wifi-sec.psk 'sae passphrase 42' >/dev/null
nmcli connection add type wifi con-name lab-open ifname '*' ssid OpenNet >/dev/null
nmcli connection add type wifi con-name lab-agent-psk ifname '*' ssid AgentNet wifi-sec.key-mgmt wpa-psk wifi-sec.psk-flags 1 >/dev/null
nmcli connection add type wifi con-name lab-8021x ifname '*' ssid CorpNet wifi-sec.key-mgmt wpa-eap 802-1x.eap peap 802-1x.identity alice 802-1x.password 'eap secret' 802-1x.phase2-auth mschapv2 >/dev/null
nmcli connection add type wifi con-name lab-wep ifname '*' ssid OldNet wifi-sec.key-mgmt none wifi-sec.wep-key0 0123456789 wifi-sec.wep-key-type 1 >/dev/null
nmcli connection add type wifi con-name lab-owe ifname '*' ssid OweNet wifi-sec.key-mgmt owe >/dev/null
# The WPA2/WPA3 transition mode: NetworkManager has no key-mgmt value for it; record the answer.
{ nmcli connection add type wifi con-name lab-transition ifname '*' ssid MixedNet wifi-sec.key-mgmt 'wpa-psk sae' wifi-sec.psk 'mixed passphrase' 2>&1 || true; } | head -3 > "$out/errors/transition-key-mgmt.txt"
nmcli connection add type bridge con-name lab-bridge ifname br-lab ipv4.method manual ipv4.addresses 10.99.0.1/24 ipv6.method disabled bridge.stp no >/dev/null

call "$out/objects/ListConnections.json" $NM /org/freedesktop/NetworkManager/Settings $NM.Settings ListConnections
nmcli -t -f NAME,UUID,TYPE,DBUS-PATH connection show | sort > "$out/objects/connections.txt"
path_of() { awk -F: -v n="$1" '$1 == n { print $4 }' "$out/objects/connections.txt"; }
for c in lab-wpa-psk lab-sae-hidden lab-open lab-agent-psk lab-8021x lab-wep lab-owe lab-bridge; do
    p=$(path_of "$c")
    call "$out/settings/$c.json" $NM "$p" $NM.Settings.Connection GetSettings
done
# GetSecrets as root: every setting of the profile, each with only its secrets.
for c in lab-wpa-psk lab-sae-hidden lab-wep lab-owe lab-8021x; do
    secrets "$out/secrets/$c" "$(path_of $c)" 802-11-wireless-security
done
secrets "$out/secrets/lab-8021x.802-1x" "$(path_of lab-8021x)" 802-1x
error "$out/errors/open.GetSecrets-wireless-security.json" root $(getsecrets "$(path_of lab-open)" 802-11-wireless-security)
error "$out/errors/agent-psk.GetSecrets.json" root $(getsecrets "$(path_of lab-agent-psk)" 802-11-wireless-security)
error "$out/errors/empty-setting-name.json" root $(getsecrets "$(path_of lab-wpa-psk)" "")
error "$out/errors/no-such-setting.json" root $(getsecrets "$(path_of lab-wpa-psk)" 802-1x)
error "$out/errors/no-such-connection.json" root --dest $NM --object-path /org/freedesktop/NetworkManager/Settings/999 --method $NM.Settings.Connection.GetSettings
# Unprivileged, no polkit on the bus.
nobody=65534
as_uid $nobody busctl --address="$A" --json=pretty call $NM "$(path_of lab-wpa-psk)" $NM.Settings.Connection GetSettings > "$out/settings/lab-wpa-psk.as-nobody.json"
error "$out/errors/permission-denied.no-polkit.json" $nobody $(getsecrets "$(path_of lab-wpa-psk)" 802-11-wireless-security)

# 3. With polkitd on the bus: nobody (no session, no rule) is denied; `smartsetup` has the rule.
/usr/lib/polkit-1/polkitd > "$W/polkitd.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 $((deadline * 10))); do busctl --address="$A" status org.freedesktop.PolicyKit1 >/dev/null 2>&1 && break; sleep 0.1; done
busctl --address="$A" status org.freedesktop.PolicyKit1 >/dev/null
error "$out/errors/permission-denied.polkit.json" $nobody $(getsecrets "$(path_of lab-wpa-psk)" 802-11-wireless-security)
as_uid $smartsetup_uid busctl --address="$A" --json=pretty call $NM "$(path_of lab-wpa-psk)" $NM.Settings.Connection GetSecrets s 802-11-wireless-security > "$out/secrets/lab-wpa-psk.as-smartsetup-with-rule.json"
error "$out/errors/agent-psk.GetSecrets.as-smartsetup-with-rule.json" $smartsetup_uid $(getsecrets "$(path_of lab-agent-psk)" 802-11-wireless-security)

# 4. An active connection (a software bridge: there is no radio, the kernel has no dummy module, lo stays unmanaged) and its StateChanged signals.
busctl --address="$A" --json=short monitor --match="type='signal',sender='$NM'" > "$W/monitor.json" 2>/dev/null &
mon=$!; pids+=($mon)
sleep 1
nmcli connection up lab-bridge >/dev/null
call "$out/objects/NetworkManager.ActiveConnections.json" $NM /org/freedesktop/NetworkManager org.freedesktop.DBus.Properties Get ss $NM ActiveConnections
ac=$(busctl --address="$A" get-property $NM /org/freedesktop/NetworkManager $NM ActiveConnections | sed 's/^ao [0-9]* "\([^"]*\)".*/\1/')
echo "$ac" > "$out/objects/active-connection-path.txt"
call "$out/objects/Connection.Active.GetAll.json" $NM "$ac" org.freedesktop.DBus.Properties GetAll s $NM.Connection.Active
nmcli connection down lab-bridge >/dev/null
sleep 1
kill $mon 2>/dev/null || true
python3 - "$W/monitor.json" "$out/signals/Connection.Active.StateChanged.json" <<'PY'
import json, sys
keep = []
for line in open(sys.argv[1]):
    line = line.strip()
    if not line: continue
    try: m = json.loads(line)
    except ValueError: continue
    if m.get("interface") == "org.freedesktop.NetworkManager.Connection.Active" and m.get("member") == "StateChanged":
        keep.append({k: m.get(k) for k in ("path", "interface", "member", "signature", "payload")})
json.dump(keep, open(sys.argv[2], "w"), indent=2)
PY
# Wi-Fi cannot be activated here (no radio): record NetworkManager's answer.
{ nmcli connection up lab-wpa-psk 2>&1 || true; } | head -2 > "$out/errors/activate-wifi-without-radio.txt"
echo "record: NetworkManager $(nmcli -g VERSION general 2>/dev/null || true)"
