#!/usr/bin/env bash
# Builds a bootable BIOS CD-ROM image of the test guest (scripts/build-test-guest.sh), the way a user boots
# an installer ISO from a storage's iso content:
#   OUTDIR/fabric-test.iso  isolinux (serial console on COM1) -> bzImage + initrd.cpio.gz with
#                           console=ttyS0; the guest prints FABRIC-GUEST-READY on ttyS0.
# Needs isolinux, syslinux-common and genisoimage (installed when missing). Cached: nothing is rebuilt
# while the ISO exists and is newer than the kernel and initrd.
#
# usage: scripts/build-test-iso.sh OUTDIR
set -euo pipefail

OUT=${1:?usage: build-test-iso.sh OUTDIR}
HERE=$(cd "$(dirname "$0")" && pwd)
say() { printf 'build-test-iso: %s\n' "$*" >&2; }
now_ms() { date +%s%3N; }

"$HERE/build-test-guest.sh" "$OUT"
OUT=$(cd "$OUT" && pwd)
ISO="$OUT/fabric-test.iso"
if [ -s "$ISO" ] && [ "$ISO" -nt "$OUT/bzImage" ] && [ "$ISO" -nt "$OUT/initrd.cpio.gz" ]; then
  say "cached: $ISO"
  exit 0
fi
t0=$(now_ms)

need=()
[ -f /usr/lib/ISOLINUX/isolinux.bin ] || need+=(isolinux)
[ -f /usr/lib/syslinux/modules/bios/ldlinux.c32 ] || need+=(syslinux-common)
command -v genisoimage >/dev/null 2>&1 || need+=(genisoimage)
if [ ${#need[@]} -gt 0 ]; then
  say "installing ${need[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

WORK=$(mktemp -d /tmp/fabric-iso.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/isolinux" "$WORK/boot"
cp /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32 "$WORK/isolinux/"
cp "$OUT/bzImage" "$WORK/boot/vmlinuz"
cp "$OUT/initrd.cpio.gz" "$WORK/boot/initrd.gz"
# SERIAL first: isolinux then talks on COM1 too (a guest with vga=serial0 has no screen)
cat > "$WORK/isolinux/isolinux.cfg" <<'CFG'
SERIAL 0 115200
DEFAULT fabric
PROMPT 0
TIMEOUT 1
LABEL fabric
  KERNEL /boot/vmlinuz
  APPEND initrd=/boot/initrd.gz console=ttyS0,115200 quiet lpj=4000000 mitigations=off nokaslr tsc=reliable no_timer_check
CFG
genisoimage -quiet -o "$WORK/fabric-test.iso" -V FABRIC-TEST -J -R \
  -b isolinux/isolinux.bin -c isolinux/boot.cat -no-emul-boot -boot-load-size 4 -boot-info-table "$WORK"
mv "$WORK/fabric-test.iso" "$ISO"
say "built $ISO ($(du -k "$ISO" | cut -f1) KiB) in $(( $(now_ms) - t0 )) ms"
