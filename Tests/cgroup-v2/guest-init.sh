#!/bin/busybox sh
# The guest's /init (busybox, from the initramfs run-vm.sh builds): loads virtio and 9p, mounts
# the host's root filesystem read-only as the new root with the guest's own /proc, /sys, /dev,
# cgroup2 and tmpfs folders over it, runs checks.sh there with bash, and powers off.
/bin/busybox mkdir -p /proc /sys /dev /usr/bin /usr/sbin /sbin
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

# In dependency order: virtio_ring before virtio, netfs and fscache before 9p.
for module in virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci \
    9pnet 9pnet_virtio netfs fscache 9p; do
    insmod "/modules/$module.ko" || echo "guest-init: insmod $module failed"
done

root=/newroot
mkdir -p "$root"
options=trans=virtio,version=9p2000.L,msize=1048576
if ! mount -t 9p -o "$options,ro,cache=loose" hostroot "$root"; then
    echo "guest-init: cannot mount the host's root over 9p"
    poweroff -f
fi
mount -t proc proc "$root/proc"
mount -t sysfs sysfs "$root/sys"
mount -t cgroup2 cgroup2 "$root/sys/fs/cgroup"
mount -t devtmpfs devtmpfs "$root/dev"
mkdir -p "$root/dev/shm" "$root/dev/pts"
ln -sf /proc/self/fd "$root/dev/fd"
ln -sf /proc/self/fd/0 "$root/dev/stdin"
ln -sf /proc/self/fd/1 "$root/dev/stdout"
ln -sf /proc/self/fd/2 "$root/dev/stderr"
mount -t tmpfs tmpfs "$root/dev/shm"
mount -t devpts devpts "$root/dev/pts"
for folder in tmp run var/tmp root; do
    mount -t tmpfs tmpfs "$root/$folder"
done
chmod 1777 "$root/tmp" "$root/var/tmp"
mkdir -p "$root/run/share"
mount -t 9p -o "$options" share "$root/run/share"
ifconfig lo 127.0.0.1 up

chroot "$root" /usr/bin/env -i PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin HOME=/root TERM=dumb \
    /bin/bash /run/share/checks.sh /run/share
echo "guest-init: checks ended with status $?"
sync
umount "$root/run/share"
poweroff -f
