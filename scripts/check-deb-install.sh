#!/usr/bin/env bash
# Installs a built smartsetup .deb for real into a throw-away Debian 12 root (debootstrap, under
# .build-deb/root, git-ignored) and checks it there: apt resolves its Depends, the maintainer
# scripts run (systemd-sysusers creates the user), `smartsetup --version` runs (the static Swift
# runtime needs nothing else), the man page, completions, unit, sysusers, D-Bus files land where
# `dpkg -L` says, and `smartsetup doctor` runs to its verdict. Touches nothing outside that root.
#
# Usage: scripts/check-deb-install.sh DEB     (needs root, debootstrap, network to deb.debian.org
# the first time; the root is made once and reused, a fresh copy per run)
set -euo pipefail
DEB=$(realpath "$1")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BASE=$ROOT/.build-deb/root-base
CHROOT=$ROOT/.build-deb/root
log() { echo "check-deb: $*"; }
fail() { log "FAIL: $*"; exit 1; }
[ "$(id -u)" -eq 0 ] || fail "needs root (chroot)"

if [ ! -x "$BASE/usr/bin/apt-get" ]; then
    log "debootstrap bookworm into $BASE (once)"
    rm -rf "$BASE"
    debootstrap --variant=minbase bookworm "$BASE" http://deb.debian.org/debian >"$ROOT/.build-deb/debootstrap.log" 2>&1 \
        || { tail -20 "$ROOT/.build-deb/debootstrap.log"; fail "debootstrap failed"; }
fi
rm -rf "$CHROOT"
cp -a "$BASE" "$CHROOT"
mount -t proc proc "$CHROOT/proc"
trap 'umount "$CHROOT/proc" 2>/dev/null || true' EXIT
cp /etc/resolv.conf "$CHROOT/etc/resolv.conf"
cp "$DEB" "$CHROOT/tmp/"
in_root() { chroot "$CHROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive "$@"; }

log "apt-get install ./$(basename "$DEB") (with its Depends)"
in_root apt-get update -qq
in_root apt-get install -y -qq --no-install-recommends "/tmp/$(basename "$DEB")" >"$ROOT/.build-deb/install.log" 2>&1 \
    || { tail -30 "$ROOT/.build-deb/install.log"; fail "apt-get install failed"; }
grep -E "Setting up (smartsetup|bluez|libbluetooth3|libdbus-1-3)" "$ROOT/.build-deb/install.log"

version=$(in_root smartsetup --version)
log "smartsetup --version: $version"
[ "$(basename "$DEB")" = "smartsetup_${version}_amd64.deb" ] || fail "package name and --version disagree"
in_root ldd /usr/bin/smartsetup | grep -q "not found" && fail "unresolved libraries: $(in_root ldd /usr/bin/smartsetup)"
log "linked: $(in_root ldd /usr/bin/smartsetup | awk '{print $1}' | tr '\n' ' ')"

log "files (dpkg -L smartsetup):"
in_root dpkg -L smartsetup | while read -r path; do
    [ -e "$CHROOT$path" ] || fail "$path is listed but missing"
    [ -f "$CHROOT$path" ] && echo "  $path"
done
for path in /usr/bin/smartsetup /lib/systemd/system/smartsetup.service /usr/lib/sysusers.d/smartsetup.conf \
    /usr/share/dbus-1/system-services/io.smartsetup1.service /usr/share/man/man1/smartsetup.1.gz \
    /usr/share/bash-completion/completions/smartsetup /usr/share/zsh/vendor-completions/_smartsetup \
    /usr/share/fish/vendor_completions.d/smartsetup.fish /usr/share/doc/smartsetup/copyright /usr/share/doc/smartsetup/README.md; do
    [ -f "$CHROOT$path" ] || fail "$path missing"
done
zcat "$CHROOT/usr/share/man/man1/smartsetup.1.gz" | grep -q "^\.Dt SMARTSETUP 1" || fail "the man page has no .Dt SMARTSETUP 1 header"
log "man page: $(zcat "$CHROOT/usr/share/man/man1/smartsetup.1.gz" | grep -m1 '^\.Dt'), $(zcat "$CHROOT/usr/share/man/man1/smartsetup.1.gz" | wc -l) lines"
log "user: $(in_root getent passwd smartsetup)" ; in_root getent passwd smartsetup >/dev/null || fail "no user smartsetup"
set +e
in_root smartsetup doctor >"$ROOT/.build-deb/doctor.txt" 2>&1
rc=$?
set -e
log "smartsetup doctor in the root: exit $rc, $(tail -1 "$ROOT/.build-deb/doctor.txt")"
[ "$rc" -ge 30 ] && [ "$rc" -le 39 ] || fail "doctor exited $rc"
in_root apt-get remove -y -qq smartsetup >/dev/null || fail "apt-get remove failed"
[ ! -e "$CHROOT/usr/bin/smartsetup" ] || fail "/usr/bin/smartsetup left after remove"
log "PASS"
