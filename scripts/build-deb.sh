#!/usr/bin/env bash
# Builds smartsetup_<version>_amd64.deb (see packaging/README.md).
#
# The version is what the built binary's `--version` prints (Sources/smartsetup/Support/
# SmartSetupVersion.swift, the one place it is written). The Swift runtime is linked statically
# (--static-swift-stdlib): one self-contained executable, no private runtime directory, no rpath.
#
# Usage: scripts/build-deb.sh [OUTPUT_DIR]      (default .build-deb/out)
# Environment: SMARTSETUP_DEB_SCRATCH (default .build-deb: the release build and the staging tree)
# Needs: swift, dpkg-dev (dpkg-shlibdeps), chrpath; no fakeroot (dpkg-deb --root-owner-group).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SCRATCH=${SMARTSETUP_DEB_SCRATCH:-$ROOT/.build-deb}
OUT=${1:-$SCRATCH/out}
log() { echo "build-deb: $*" >&2; }
cd "$ROOT"

log "release build (static Swift runtime) in $SCRATCH/swift"
# -z now: full RELRO, all symbols bound at start (lintian: hardening-no-bindnow).
# lld (the toolchain's) with -z pack-relative-relocs: the 2.4 MB of relative relocations of the
# static runtime shrink to 20 kB of DT_RELR (glibc >= 2.36), 2.4 MB less resident in every
# process, idle `serve` included (Benchmarks/Daemon/RESULTS.md); gold, swiftc's default here,
# has no such option.
RELEASE=(swift build -c release --product smartsetup --static-swift-stdlib -Xlinker -z -Xlinker now
    -Xswiftc -use-ld=lld -Xlinker -z -Xlinker pack-relative-relocs --scratch-path "$SCRATCH/swift")
"${RELEASE[@]}"
BIN=$SCRATCH/swift/release/smartsetup
# SwiftPM does not relink when only --static-swift-stdlib changed: a binary linked otherwise in
# this scratch path (e.g. by the generate-manual plugin's own build) would be taken as it is.
if ldd "$BIN" | grep -q 'libswift\|libFoundation\|libdispatch'; then
    log "$BIN links the Swift runtime dynamically: relinking"
    rm -f "$BIN"
    "${RELEASE[@]}"
    ! ldd "$BIN" | grep -q 'libswift\|libFoundation\|libdispatch' || { log "still dynamic: $(ldd "$BIN")"; exit 1; }
fi
readelf -d "$BIN" | grep -q '(RELR)' || { log "$BIN has no DT_RELR: was it linked by lld with -z pack-relative-relocs?"; exit 1; }
VERSION=$("$BIN" --version)
[[ $VERSION =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || { log "unexpected --version output: $VERSION"; exit 1; }

STAGE=$SCRATCH/stage
rm -rf "$STAGE"
mkdir -p "$STAGE/DEBIAN" "$OUT"
put() { install -D -m "$1" "$2" "$STAGE/$3"; }

put 755 "$BIN" usr/bin/smartsetup
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$STAGE/usr/bin/smartsetup"
# swiftc records the toolchain's runtime directory as RUNPATH even with a static runtime; the
# binary needs none (lintian: custom-library-search-path).
chrpath -d "$STAGE/usr/bin/smartsetup" >&2
# Debian 12 keeps system units in /lib (lintian: systemd-service-file-outside-lib).
put 644 packaging/systemd/smartsetup.service lib/systemd/system/smartsetup.service
put 644 packaging/sysusers.d/smartsetup.conf usr/lib/sysusers.d/smartsetup.conf
put 644 packaging/dbus/io.smartsetup1.service usr/share/dbus-1/system-services/io.smartsetup1.service
POLICY=packaging/dbus/io.smartsetup1.conf   # the daemon's D-Bus policy (issue 12's branch)
if [ -f "$POLICY" ]; then
    put 644 "$POLICY" usr/share/dbus-1/system.d/io.smartsetup1.conf
else
    log "WARNING: $POLICY is missing (it comes with the daemon): the package has no D-Bus policy"
fi
# The polkit rule grants the smartsetup user NetworkManager's settings.modify.system (the only
# action that reads a Wi-Fi passphrase, and it also allows changing the host's profiles): shipped
# as an example, enabled by the administrator where --host-wifi is wanted (packaging/polkit/README.md).
put 644 packaging/polkit/50-smartsetup-networkmanager.rules usr/share/doc/smartsetup/examples/50-smartsetup-networkmanager.rules

# Man page: swift-argument-parser's generate-manual tool, the engine of its generate-manual plugin,
# run on the staged binary. `plugin generate-manual --help` builds the tool from the package's own
# checkout (offline) and stops there; the plugin's full run would also work offline, but it
# rebuilds every product in its own configuration (without --static-swift-stdlib): 10+ minutes
# here for nothing.
log "man page (swift-argument-parser's generate-manual)"
swift package --scratch-path "$SCRATCH/swift" plugin generate-manual --help >/dev/null
TOOL=$SCRATCH/swift/debug/generate-manual-tool
[ -x "$TOOL" ] || { log "$TOOL was not built"; exit 1; }
MAN=$SCRATCH/man
rm -rf "$MAN" && mkdir -p "$MAN"
"$TOOL" "$STAGE/usr/bin/smartsetup" --date 2026-12-05 --section 1 --authors "smartsetup maintainers" --output-directory "$MAN" >&2
[ -s "$MAN/smartsetup.1" ] || { log "generate-manual wrote no smartsetup.1"; exit 1; }
mkdir -p "$STAGE/usr/share/man/man1"
# groff warns about empty lines in mdoc (lintian: groff-message): drop them.
sed '/^$/d' "$MAN/smartsetup.1" | gzip -9n >"$STAGE/usr/share/man/man1/smartsetup.1.gz"
chmod 644 "$STAGE/usr/share/man/man1/smartsetup.1.gz"

# Shell completions, from the binary itself.
COMP=$SCRATCH/completions
mkdir -p "$COMP"
# bash-completion sources the file: no #! line (lintian: bash-completion-with-hashbang).
"$STAGE/usr/bin/smartsetup" --generate-completion-script bash | sed '1{/^#!/d}' >"$COMP/smartsetup"
"$STAGE/usr/bin/smartsetup" --generate-completion-script zsh >"$COMP/_smartsetup"
"$STAGE/usr/bin/smartsetup" --generate-completion-script fish >"$COMP/smartsetup.fish"
put 644 "$COMP/smartsetup" usr/share/bash-completion/completions/smartsetup
put 644 "$COMP/_smartsetup" usr/share/zsh/vendor-completions/_smartsetup
put 644 "$COMP/smartsetup.fish" usr/share/fish/vendor_completions.d/smartsetup.fish

DOC=usr/share/doc/smartsetup
put 644 README.md "$DOC/README.md"
put 644 packaging/debian/copyright "$DOC/copyright"
CHANGELOG=$SCRATCH/changelog.Debian
cat >"$CHANGELOG" <<CHANGES
smartsetup ($VERSION) unstable; urgency=medium

  * Release $VERSION: see /usr/share/doc/smartsetup/README.md.

 -- smartsetup maintainers <maintainers@smartsetup.invalid>  Sat, 05 Dec 2026 00:00:00 +0000
CHANGES
# A native package (no Debian revision): changelog.gz, not changelog.Debian.gz.
gzip -9n <"$CHANGELOG" >"$STAGE/$DOC/changelog.gz"
chmod 644 "$STAGE/$DOC/changelog.gz"

for script in postinst prerm postrm; do install -m 755 "packaging/debian/$script" "$STAGE/DEBIAN/$script"; done

# Depends: the shared libraries the binary links, as dpkg-shlibdeps finds their packages.
SHLIBS=$SCRATCH/shlibs
rm -rf "$SHLIBS" && mkdir -p "$SHLIBS/debian"
printf 'Source: smartsetup\n\nPackage: smartsetup\nArchitecture: amd64\n' >"$SHLIBS/debian/control"
DEPENDS=$(cd "$SHLIBS" && dpkg-shlibdeps -O "$STAGE/usr/bin/smartsetup" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
[ -n "$DEPENDS" ] || { log "dpkg-shlibdeps found no dependencies"; exit 1; }
# DT_RELR needs the loader of glibc 2.36 (the binary requires GLIBC_ABI_DT_RELR, a version with
# no symbol, which dpkg-shlibdeps does not count).
LIBC=$(sed -n 's/.*libc6 (>= \([^)]*\)).*/\1/p' <<<"$DEPENDS")
[ -n "$LIBC" ] || { log "Depends has no libc6: $DEPENDS"; exit 1; }
if dpkg --compare-versions "$LIBC" lt 2.36; then DEPENDS=${DEPENDS/"libc6 (>= $LIBC)"/"libc6 (>= 2.36)"}; fi
log "Depends: $DEPENDS"
SIZE=$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)
sed -e "s/@VERSION@/$VERSION/" -e "s/@INSTALLED_SIZE@/$SIZE/" -e "s/@DEPENDS@/$DEPENDS/" \
    packaging/debian/control.in >"$STAGE/DEBIAN/control"
(cd "$STAGE" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum >DEBIAN/md5sums)
chmod 644 "$STAGE/DEBIAN/control" "$STAGE/DEBIAN/md5sums"

DEB=$OUT/smartsetup_${VERSION}_amd64.deb
dpkg-deb --root-owner-group -Zxz --build "$STAGE" "$DEB" >&2
echo "$DEB"
