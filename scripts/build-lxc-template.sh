#!/usr/bin/env bash
# Builds a busybox container template from Debian's busybox-static, so that containers can be created
# on a fresh host without downloads: busybox-fabric_amd64.tar.gz in Proxmox's vztmpl layout (a storage's
# template/cache/ folder). The root file system holds /bin/busybox and its applet links, /sbin/init (a
# shell script that mounts proc/sys, prints FABRIC-CT-READY on the console, then sleeps until SIGTERM
# or SIGPWR; a console shell runs on /dev/console when it is a tty), /etc/passwd, group, hostname, hosts,
# inittab-free.
#
# usage: scripts/build-lxc-template.sh [--out DIR] [--force]   (default DIR: data/templates/cache)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/data/templates/cache"
FORCE=0
while [ $# -gt 0 ]; do
  case "$1" in
    --out) OUT=${2:?--out needs a directory}; shift 2 ;;
    --force) FORCE=1; shift ;;
    *) echo "usage: build-lxc-template.sh [--out DIR] [--force]" >&2; exit 2 ;;
  esac
done
NAME=busybox-fabric_amd64.tar.gz
say() { printf 'build-lxc-template: %s\n' "$*" >&2; }

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
if [ -s "$OUT/$NAME" ] && [ "$FORCE" -eq 0 ]; then
  say "cached: $OUT/$NAME"; echo "$OUT/$NAME"; exit 0
fi
if ! file -L /bin/busybox 2>/dev/null | grep -q 'statically linked'; then
  if [ "$(id -u)" -ne 0 ]; then say "needs busybox-static: apt-get install -y --no-install-recommends busybox-static"; exit 1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends busybox-static >/dev/null
fi

WORK=$(mktemp -d /tmp/fabric-tmpl.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
R="$WORK/rootfs"
mkdir -p "$R"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,dev/pts,tmp,run,var/log,root,home}
chmod 1777 "$R/tmp"
cp "$(readlink -f /bin/busybox)" "$R/bin/busybox"
# applet links (relative, so they work inside any rootfs)
for applet in $(/bin/busybox --list-full); do
  case "$applet" in bin/busybox|sbin/init) continue ;; esac
  [ -e "$R/$applet" ] && continue
  mkdir -p "$R/$(dirname "$applet")"
  depth=$(dirname "$applet" | awk -F/ '{print NF}')
  ln -s "$(printf '../%.0s' $(seq "$depth"))bin/busybox" "$R/$applet"
done
cat > "$R/sbin/init" <<'INIT'
#!/bin/sh
# Fabric busybox template init: PID 1 of the container.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
# (libvirt's LXC driver mounts both already; busybox-static has no mountpoint applet)
[ -e /proc/self ] || mount -t proc proc /proc 2>/dev/null
[ -d /sys/kernel ] || mount -t sysfs sysfs /sys 2>/dev/null
[ -f /etc/hostname ] && hostname "$(cat /etc/hostname)" 2>/dev/null
trap 'echo FABRIC-CT-STOPPING; kill -TERM -1 2>/dev/null; exit 0' TERM PWR INT
echo "FABRIC-CT-READY $(hostname)"
if [ -t 0 ]; then
  # a console: keep a shell on it, restarted when it exits
  (while :; do /bin/sh -l </dev/console >/dev/console 2>&1; sleep 1; done) &
fi
while :; do sleep 3600 & wait $!; done
INIT
chmod 0755 "$R/sbin/init"
cat > "$R/etc/passwd" <<'E'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
E
cat > "$R/etc/group" <<'E'
root:x:0:
daemon:x:1:
nogroup:x:65534:
E
echo 'root::19000:0:99999:7:::' > "$R/etc/shadow"; chmod 0640 "$R/etc/shadow"
echo fabric-ct > "$R/etc/hostname"
printf '127.0.0.1 localhost\n::1 localhost\n' > "$R/etc/hosts"
printf 'export PATH=/bin:/sbin:/usr/bin:/usr/sbin\nexport PS1="\\h:\\w# "\n' > "$R/etc/profile"
: > "$R/etc/resolv.conf"
printf 'NAME="Fabric busybox"\nID=busybox\nVERSION_ID=%s\n' \
  "$(/bin/busybox | head -n1 | sed -n 's/^BusyBox v\([^ ]*\).*/\1/p')" > "$R/etc/os-release"

tar --numeric-owner --owner=0 --group=0 -C "$R" -czf "$WORK/$NAME" .
mv "$WORK/$NAME" "$OUT/$NAME"
say "built $OUT/$NAME ($(du -k "$OUT/$NAME" | cut -f1) KiB, $(tar -tzf "$OUT/$NAME" | wc -l) entries)"
echo "$OUT/$NAME"
