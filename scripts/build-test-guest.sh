#!/usr/bin/env bash
# Builds a tiny bootable test guest for QEMU (TCG is enough) from Debian packages, without network
# other than apt:
#   OUTDIR/vmlinux        uncompressed kernel (ELF with a PVH entry: QEMU's -kernel / libvirt <kernel>)
#   OUTDIR/bzImage        the same kernel as Debian ships it (also bootable with <kernel>)
#   OUTDIR/initrd.cpio.gz busybox initramfs: /init mounts proc/sys/dev, prints the marker line
#                         FABRIC-GUEST-READY on ttyS0, then reads commands from ttyS0 in a loop
#                         (each line runs in sh, output back on ttyS0); "poweroff" powers the guest off.
#   OUTDIR/kernel-version the Debian kernel package used
# Cached: nothing is rebuilt when the three files exist (delete OUTDIR to rebuild).
#
# usage: scripts/build-test-guest.sh OUTDIR
set -euo pipefail

OUT=${1:?usage: build-test-guest.sh OUTDIR}
MARKER=FABRIC-GUEST-READY
say() { printf 'build-test-guest: %s\n' "$*" >&2; }
now_ms() { date +%s%3N; }

if [ -s "$OUT/vmlinux" ] && [ -s "$OUT/bzImage" ] && [ -s "$OUT/initrd.cpio.gz" ]; then
  say "cached in $OUT ($(cat "$OUT/kernel-version" 2>/dev/null || echo '?'))"
  exit 0
fi
t0=$(now_ms)
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

need=()
command -v busybox >/dev/null 2>&1 && busybox 2>&1 | head -1 | grep -q . || need+=(busybox-static)
[ -x /bin/busybox ] && file -L /bin/busybox 2>/dev/null | grep -q 'statically linked' || need+=(busybox-static)
command -v cpio >/dev/null 2>&1 || need+=(cpio)
command -v xz >/dev/null 2>&1 || need+=(xz-utils)
if [ ${#need[@]} -gt 0 ]; then
  say "installing ${need[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(printf '%s\n' "${need[@]}" | sort -u) >/dev/null
fi

WORK=$(mktemp -d /tmp/fabric-guest.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

# ---- kernel: exactly ONE package. A glob such as 'linux-image-6.1.0-*-amd64' given to apt-get download
# matches every ABI and flavour (cloud, rt) in the archive: about 1.6 GB.
PKG=$(apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-amd64$' | awk '{print $1}' | sort -V | tail -n1)
if [ -z "$PKG" ]; then
  say "apt-cache knows no linux-image-6.1.0-N-amd64: run apt-get update"; exit 1
fi
say "downloading $PKG (not installing it)"
# _apt cannot write into a root-only temp dir; let it download into a world-writable one
chmod 0777 "$WORK"
(cd "$WORK" && apt-get download -qq "$PKG" 2>&1 | grep -v 'unsandboxed' >&2 || true)
DEB=$(ls "$WORK"/"$PKG"_*.deb 2>/dev/null | head -n1)
[ -n "$DEB" ] || { say "download of $PKG failed"; exit 1; }
dpkg-deb --fsys-tarfile "$DEB" | tar -x -C "$WORK" --wildcards './boot/vmlinuz-*'
BZ=$(ls "$WORK"/boot/vmlinuz-* | head -n1)
cp "$BZ" "$OUT/bzImage"

# vmlinux: the XZ stream of the compressed kernel starts inside the bzImage (magic FD 37 7A 58 5A 00);
# xz complains about the trailing data after the stream, the ELF is complete all the same.
OFF=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$BZ" | head -n1 | cut -d: -f1)
[ -n "$OFF" ] || { say "no XZ stream in $BZ"; exit 1; }
tail -c +$((OFF + 1)) "$BZ" | xz -dc 2>/dev/null > "$WORK/vmlinux" || true
if ! head -c 4 "$WORK/vmlinux" | grep -q 'ELF'; then say "decompressed kernel is not an ELF"; exit 1; fi
mv "$WORK/vmlinux" "$OUT/vmlinux"
echo "$PKG" > "$OUT/kernel-version"

# ---- initramfs
R="$WORK/root"
mkdir -p "$R"/{bin,sbin,proc,sys,dev,tmp,etc,root}
cp "$(readlink -f /bin/busybox)" "$R/bin/busybox"
cat > "$R/init" <<INIT
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
hostname fabric-guest
exec </dev/ttyS0 >/dev/ttyS0 2>&1
echo "$MARKER \$(uname -r)"
while :; do
  printf '# '
  if ! read -r line; then sleep 1; continue; fi
  case "\$line" in
    poweroff) echo FABRIC-GUEST-POWEROFF; sync; poweroff -f ;;
    "") ;;
    *) sh -c "\$line" ;;
  esac
done
INIT
chmod 0755 "$R/init"
(cd "$R" && find . | cpio -o -H newc --quiet | gzip -9) > "$OUT/initrd.cpio.gz"
chmod 0644 "$OUT"/*
say "built $OUT (vmlinux $(du -k "$OUT/vmlinux" | cut -f1) KiB, initrd $(du -k "$OUT/initrd.cpio.gz" | cut -f1) KiB) in $(( $(now_ms) - t0 )) ms"
