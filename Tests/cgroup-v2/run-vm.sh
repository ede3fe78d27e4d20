#!/usr/bin/env bash
# make test-cgroup-v2: the limits checks on a real cgroup v2 kernel, in a VM booted here.
#
#   Tests/cgroup-v2/run-vm.sh BIN_DIR     (BIN_DIR holds release `supervisor` and `agent-sim`)
#
# Boots Debian's own kernel (fetched with `apt-get download`, unpacked under .build/cgroup-v2,
# never installed) with `cgroup_no_v1=all` under QEMU's software emulation (this machine's
# /dev/kvm cannot boot a stock kernel), with a busybox initramfs (guest-init.sh) that mounts
# this machine's root filesystem read-only over 9p as the guest's root: the binaries were built
# against exactly that glibc and libzmq. A second, writable 9p share carries the binaries and
# checks.sh in and results.tsv out. No network (-nic none).
#
# Exit 0 when every check passed, or (printing SKIPPED and why) when the VM cannot start here;
# exit 1 when a check failed or the guest did not finish.
set -uo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
bin_dir="$(cd "${1:?usage: run-vm.sh BIN_DIR}" && pwd)"
cache="$repo/.build/cgroup-v2"
timeout_seconds="${CGROUP_V2_TIMEOUT:-900}"
started=$(date +%s)

skip() {
    echo "test-cgroup-v2: SKIPPED: $*"
    exit 0
}

[ "$(uname -m)" = x86_64 ] || skip "needs an x86_64 machine (this is $(uname -m))"
for file in supervisor agent-sim; do
    [ -x "$bin_dir/$file" ] || { echo "test-cgroup-v2: $bin_dir/$file is missing (make build)"; exit 1; }
done

# QEMU and the guest's kernel and busybox, through apt, on first use.
if ! command -v qemu-system-x86_64 >/dev/null; then
    [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null || skip "qemu-system-x86_64 is missing and cannot be installed (needs root and apt)"
    echo "test-cgroup-v2: installing qemu-system-x86"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends qemu-system-x86) >/dev/null 2>&1 \
        || skip "apt-get install qemu-system-x86 failed"
fi
mkdir -p "$cache"
# One run at a time per folder: a second would rebuild the share under the first one's guest.
exec 9>"$cache/lock"
flock -w "$timeout_seconds" 9 || { echo "test-cgroup-v2: another run in $repo holds $cache/lock"; exit 1; }
if [ ! -f "$cache/kernel-package" ] || [ ! -d "$cache/modules" ] || [ ! -x "$cache/busybox" ]; then
    command -v apt-get >/dev/null || skip "no apt-get to fetch the guest's kernel"
    kernel_package=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
    [ -n "$kernel_package" ] || skip "apt knows no linux-image-amd64 (apt-get update?)"
    echo "test-cgroup-v2: fetching $kernel_package and busybox-static into $cache"
    rm -rf "$cache/debs" "$cache/unpacked" && mkdir -p "$cache/debs" "$cache/unpacked"
    (cd "$cache/debs" && apt-get download -qq "$kernel_package" busybox-static) >/dev/null 2>&1 \
        || skip "apt-get download $kernel_package busybox-static failed"
    for deb in "$cache"/debs/*.deb; do dpkg-deb -x "$deb" "$cache/unpacked" || skip "cannot unpack $deb"; done
    cp "$cache"/unpacked/boot/vmlinuz-* "$cache/vmlinuz"
    echo "$kernel_package" >"$cache/kernel-package"
    cp "$cache/unpacked/bin/busybox" "$cache/busybox"
    rm -rf "$cache/modules" && mkdir -p "$cache/modules"
    # What 9p over virtio needs, in load order (guest-init.sh loads them in this order).
    for module in drivers/virtio/virtio_ring drivers/virtio/virtio drivers/virtio/virtio_pci_modern_dev \
        drivers/virtio/virtio_pci_legacy_dev drivers/virtio/virtio_pci net/9p/9pnet net/9p/9pnet_virtio \
        fs/netfs/netfs fs/fscache/fscache fs/9p/9p; do
        found=$(find "$cache"/unpacked/lib/modules/*/kernel -path "*/$module.ko*" | head -1)
        [ -n "$found" ] || skip "the kernel package has no $module module"
        case "$found" in
            *.xz) xz -dc "$found" >"$cache/modules/$(basename "$module").ko" ;;
            *) cp "$found" "$cache/modules/$(basename "$module").ko" ;;
        esac
    done
    rm -rf "$cache/debs" "$cache/unpacked"
fi

# The initramfs: busybox, the modules, /init.
initramfs="$cache/initramfs"
rm -rf "$initramfs" && mkdir -p "$initramfs/bin" "$initramfs/modules"
cp "$cache/busybox" "$initramfs/bin/busybox"
cp "$cache"/modules/*.ko "$initramfs/modules/"
cp "$here/guest-init.sh" "$initramfs/init" && chmod +x "$initramfs/init"
(cd "$initramfs" && find . | "$cache/busybox" cpio -o -H newc 2>/dev/null) >"$cache/initramfs.cpio" || skip "cannot build the initramfs"

# The share: binaries and the checks in, results out.
share="$cache/share"
rm -rf "$share" && mkdir -p "$share/bin"
cp "$bin_dir/supervisor" "$bin_dir/agent-sim" "$share/bin/"
cp "$here"/checks*.sh "$share/"

console="$cache/console.log"
echo "test-cgroup-v2: booting $(cat "$cache/kernel-package") under qemu (tcg, no kvm), console in $console"
timeout --kill-after=10 "$timeout_seconds" qemu-system-x86_64 \
    -accel tcg,thread=multi -cpu max -smp 2 -m 1536 \
    -nographic -no-reboot -nic none -monitor none -serial "file:$console" \
    -kernel "$cache/vmlinuz" -initrd "$cache/initramfs.cpio" \
    -append "console=ttyS0 cgroup_no_v1=all panic=-1 quiet loglevel=3" \
    -virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap" \
    -virtfs "local,path=$share,mount_tag=share,security_model=none" \
    </dev/null >"$cache/qemu.log" 2>&1
qemu_status=$?
elapsed=$(( $(date +%s) - started ))

results="$share/results.tsv"
if [ ! -s "$results" ]; then
    grep -q "could not\|failed to" "$cache/qemu.log" && skip "qemu cannot start here: $(head -3 "$cache/qemu.log" | tr '\n' ' ')"
    echo "test-cgroup-v2: FAILED: the guest wrote no results (qemu exit $qemu_status); console:"
    tail -40 "$console"
    exit 1
fi
echo "test-cgroup-v2: results from the guest ($(grep -m1 '^# kernel' "$results" | cut -f2-)):"
grep -v '^#' "$results" | awk -F'\t' '{ printf "  %-4s %-48s %s\n", $1, $2, $3 }'
passed=$(grep -c '^PASS' "$results")
failed=$(grep -c '^FAIL' "$results")
skipped=$(grep -c '^SKIP' "$results")
if ! grep -q '^# end' "$results"; then
    echo "test-cgroup-v2: FAILED: the guest stopped before the end (qemu exit $qemu_status, after ${elapsed}s); console:"
    tail -40 "$console"
    exit 1
fi
echo "test-cgroup-v2: $passed passed, $failed failed, $skipped skipped in ${elapsed}s"
[ "$failed" = 0 ]
