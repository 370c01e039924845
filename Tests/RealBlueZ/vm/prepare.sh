# Sourced by run.sh: makes the VM's ingredients ready in $CACHE, installing only what is missing.
# Idempotent: every step checks its own result first. Needs $REPO and $CACHE; defines prepare_vm.
# Returns 77 (after one line) when qemu cannot be had; returns non-zero on any other failure. Installs
# packages as root, or through password-less sudo.

HOST_PACKAGES=(qemu-system-x86 busybox-static bluez bluez-test-tools dbus dbus-bin jq python3-dbus python3-gi kmod xz-utils systemd)

# Installs the Debian packages the tier uses that are not installed yet.
install_missing_packages() {
    local missing=() p
    for p in "${HOST_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ "${#missing[@]}" -eq 0 ] && return 0
    log "installing ${missing[*]}"
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        sudo -n true 2>/dev/null || { log "cannot install packages: not root and no password-less sudo"; return 1; }
        sudo=(sudo -n)
    fi
    { "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
        && "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"; } \
        >"$CACHE/apt.log" 2>&1 || { tail -5 "$CACHE/apt.log" >&2; return 1; }
}

# Prints the versioned kernel package linux-image-amd64 depends on (empty without apt lists).
kernel_package() {
    apt-cache depends linux-image-amd64 2>/dev/null \
        | sed -n 's/^ *Depends: \(linux-image-[0-9].*\)$/\1/p' | head -1
}

# Downloads (never installs) the current linux-image-amd64 kernel, unpacks it and runs depmod.
# Sets KVER and KROOT. Reuses an unpacked kernel when apt cannot tell a newer one.
prepare_kernel() {
    local pkg
    pkg=$(kernel_package)
    if [ -z "$pkg" ] && [ ! -f "$CACHE/kernel/package" ]; then
        if [ "$(id -u)" -eq 0 ]; then
            apt-get update -qq >"$CACHE/apt.log" 2>&1 && pkg=$(kernel_package)
        elif sudo -n true 2>/dev/null; then
            sudo -n apt-get update -qq >"$CACHE/apt.log" 2>&1 && pkg=$(kernel_package)
        fi
    fi
    if [ -z "$pkg" ]; then
        pkg=$(cat "$CACHE/kernel/package" 2>/dev/null || true)
        [ -n "$pkg" ] || { log "cannot tell linux-image-amd64's kernel package (run apt-get update?)"; return 1; }
    fi
    KVER=${pkg#linux-image-}
    KROOT=$CACHE/kernel/$KVER
    if [ ! -f "$KROOT/.unpacked" ]; then
        log "downloading and unpacking $pkg"
        rm -rf "$KROOT" && mkdir -p "$KROOT" "$CACHE/kernel/deb"
        (cd "$CACHE/kernel/deb" && rm -f ./*.deb && apt-get download "$pkg" >/dev/null 2>&1) \
            || { log "apt-get download $pkg failed"; return 1; }
        dpkg -x "$CACHE"/kernel/deb/"$pkg"_*.deb "$KROOT" || return 1
        rm -f "$CACHE"/kernel/deb/*.deb
        depmod -b "$KROOT" "$KVER" || return 1
        touch "$KROOT/.unpacked"
    fi
    echo "$pkg" >"$CACHE/kernel/package"
}

# Extracts the uncompressed vmlinux (PVH entry point: boots ~3 s faster than the bzImage).
# The bzImage's setup header gives the payload's offset (0x248) and length (0x24c).
prepare_vmlinux() {
    VMLINUX=$KROOT/vmlinux
    [ -s "$VMLINUX" ] && return 0
    local bz=$KROOT/boot/vmlinuz-$KVER setup_sects offset length
    setup_sects=$(od -An -tu1 -j $((0x1f1)) -N1 "$bz" | tr -d ' ')
    offset=$(od -An -tu4 -j $((0x248)) -N4 "$bz" | tr -d ' ')
    length=$(od -An -tu4 -j $((0x24c)) -N4 "$bz" | tr -d ' ')
    { tail -c +$(((setup_sects + 1) * 512 + offset + 1)) "$bz" || true; } | head -c "$length" \
        | xz -dc --single-stream >"$VMLINUX.tmp" 2>/dev/null \
        || { rm -f "$VMLINUX.tmp"; log "cannot extract vmlinux (not xz?); booting the bzImage"; VMLINUX=$bz; return 0; }
    mv "$VMLINUX.tmp" "$VMLINUX"
}

# Builds the initramfs: static busybox, the virtio/9p modules in load order, and vm/init.sh as /init.
prepare_initramfs() {
    INITRAMFS=$CACHE/initramfs-$KVER.cpio.gz
    local stamp
    stamp=$(cat "$HERE/vm/init.sh" /bin/busybox | sha256sum | cut -c1-16)
    [ -s "$INITRAMFS" ] && [ "$(cat "$INITRAMFS.stamp" 2>/dev/null)" = "$stamp" ] && return 0
    log "building the initramfs"
    local dir=$CACHE/initramfs
    rm -rf "$dir" && mkdir -p "$dir"/{bin,dev,proc,sys,newroot,modules}
    cp /bin/busybox "$dir/bin/busybox"
    local m
    for m in sh mount umount mkdir insmod switch_root cat sleep poweroff echo; do
        ln -s busybox "$dir/bin/$m"
    done
    : >"$dir/modules/order"
    modprobe -d "$KROOT" -S "$KVER" --show-depends -a virtio_pci 9pnet_virtio 9p \
        | awk '$1 == "insmod" { print $2 }' | awk '!seen[$0]++' | while read -r m; do
            cp "$m" "$dir/modules/"
            basename "$m" >>"$dir/modules/order"
        done
    [ -s "$dir/modules/order" ] || { log "no virtio/9p modules found in $KROOT"; return 1; }
    install -m 755 "$HERE/vm/init.sh" "$dir/init"
    (cd "$dir" && find . | busybox cpio -o -H newc 2>/dev/null | gzip -1) >"$INITRAMFS.tmp" || return 1
    mv "$INITRAMFS.tmp" "$INITRAMFS"
    echo "$stamp" >"$INITRAMFS.stamp"
}

# Runs every preparation step; returns 77 when qemu itself cannot be had.
prepare_vm() {
    mkdir -p "$CACHE"
    install_missing_packages || true
    if ! command -v qemu-system-x86_64 >/dev/null 2>&1; then
        echo "realbluez: SKIP: qemu-system-x86_64 is not installed and cannot be installed"
        return 77
    fi
    local p
    for p in "${HOST_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
            || { log "missing package $p and cannot install it"; return 1; }
    done
    prepare_kernel && prepare_vmlinux && prepare_initramfs
}
