#!/bin/sh
# /init of the VM's initramfs (busybox sh). Mounts the host's / read-only over virtio-9p (tag
# hostroot), the writable results share (tag results) at the same path as on the host, tmpfs where
# the guest must write, then hands PID 1 to the guest script named on the kernel command line:
#   realbluez.results=<host path of the results dir>  realbluez.guest=<host path of guest.sh>
#   realbluez.repo=<host path of the repo> (shown even when it lives below /tmp or /run)
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in $(cat /modules/order); do insmod "/modules/$m" || echo "init: insmod $m failed"; done

results= guest= repo=
for arg in $(cat /proc/cmdline); do
    case "$arg" in
    realbluez.results=*) results=${arg#realbluez.results=} ;;
    realbluez.guest=*) guest=${arg#realbluez.guest=} ;;
    realbluez.repo=*) repo=${arg#realbluez.repo=} ;;
    esac
done

fail() { echo "init: $*"; poweroff -f; }
opts=trans=virtio,version=9p2000.L,msize=512000
mount -t 9p -o "$opts,ro,cache=loose" hostroot /newroot || fail "cannot mount the host root"
# A second view of the host root, for a repo that lives below a directory covered by tmpfs next.
mkdir -p /hostview
mount --bind /newroot /hostview
for d in /run /tmp /var/tmp /var/lib/bluetooth; do
    mount -t tmpfs -o mode=0755 tmpfs "/newroot$d" || fail "cannot mount tmpfs on $d"
    case "$repo/" in
    "$d"/*)
        mkdir -p "/newroot$repo"
        mount --bind "/hostview$repo" "/newroot$repo" || fail "cannot show $repo"
        ;;
    esac
done
chmod 1777 /newroot/tmp /newroot/var/tmp
mount -t 9p -o "$opts,rw" results "/newroot$results" || fail "cannot mount the results share"
mount --move /dev /newroot/dev
mount --move /proc /newroot/proc
mount --move /sys /newroot/sys
exec switch_root /newroot /bin/bash "$guest" "$results"
