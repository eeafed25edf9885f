#!/usr/bin/env bash
# Prepares this host for real guests (QEMU/TCG virtual machines and LXC containers through libvirt).
# Idempotent, run as root. No systemd needed: starts virtlogd and libvirtd itself.
#
#   scripts/realhost-setup.sh            install what is missing, start what is not running
#   scripts/realhost-setup.sh --restart  stop a running libvirtd and start it afresh (guests keep running)
#   scripts/realhost-setup.sh --status   only report whether qemu:///system and lxc:/// answer
#
# libvirt's LXC driver refuses to work when libvirtd sees the hybrid cgroup v2 mount
# /sys/fs/cgroup/unified, so libvirtd runs in a private mount namespace without it
# (the host's mounts are not touched).
#
# KVM: FABRIC_KVM=auto (default) probes /dev/kvm with QEMU (-accel kvm -cpu qemu64,enforce, 50 ms).
# When KVM refuses even the baseline qemu64 CPU (a nested or restricted KVM, as on the project's build
# hosts), libvirtd does not get to see /dev/kvm: inside its mount namespace a root-only /dev/null node is
# bound over it, so libvirt offers only <domain type='qemu'> (TCG). Without that, libvirt re-probes QEMU
# on every capabilities or version call (4-9 s each: "KVM was enabled when probing, but it is not
# available now") and offers a kvm domain type whose guests never boot. FABRIC_KVM=on keeps /dev/kvm,
# FABRIC_KVM=off always hides it. QEMU guests and LXC containers keep running across a restart
# of libvirtd: it reconnects to them.
set -euo pipefail

PACKAGES=(qemu-system-x86 qemu-utils libvirt-daemon-system libvirt-daemon-driver-qemu
          libvirt-daemon-driver-lxc libvirt-clients busybox-static cpio lxc rsync
          isolinux syslinux-common genisoimage)
SOCKET=/run/libvirt/libvirt-sock
PIDFILE=/run/libvirtd.pid
SOCKET_DEADLINE_S=${FABRIC_LIBVIRTD_DEADLINE_S:-20}

say() { printf 'realhost-setup: %s\n' "$*" >&2; }
now_ms() { date +%s%3N; }

answers() { # URI -> 0 when "virsh -c URI version" works within 10 s
  timeout 10 virsh -c "$1" version >/dev/null 2>&1
}

status() {
  local rc=0 uri
  for uri in qemu:///system lxc:///; do
    if command -v virsh >/dev/null 2>&1 && answers "$uri"; then
      say "$uri answers ($(timeout 10 virsh -c "$uri" version 2>/dev/null | sed -n 's/^Running hypervisor: *//p'))"
    else
      say "$uri does NOT answer"; rc=1
    fi
  done
  local pids; pids=$(pgrep -x libvirtd | tr '\n' ' ' || true)
  say "libvirtd pids: ${pids:-none}; virtlogd pids: $(pgrep -x virtlogd | tr '\n' ' ' || echo none)"
  return $rc
}

restart=0
case "${1:-}" in
  --status) status; exit $? ;;
  --restart) restart=1 ;;
  "") ;;
  *) say "unknown option $1 (use --status or --restart)"; exit 2 ;;
esac

if [ "$(id -u)" -ne 0 ]; then
  say "must run as root"; exit 1
fi

t0=$(now_ms)

# ---- packages
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # one update per run at most, and only when the package lists are missing or older than a day
  if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages' -mmin -1440 -print -quit 2>/dev/null)" ]; then
    apt-get update -qq
  fi
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  say "installed in $(( $(now_ms) - t0 )) ms"
else
  say "packages already installed"
fi

# ---- vmbr0: Proxmox's default bridge name, so that netN=...,bridge=vmbr0 works. Host-only here: no uplink,
# no address, so it changes nothing in the host's routing. FABRIC_BRIDGE=none skips it.
BRIDGE=${FABRIC_BRIDGE:-vmbr0}
if [ "$BRIDGE" != none ]; then
  if [ -d "/sys/class/net/$BRIDGE" ]; then
    say "bridge $BRIDGE already there"
  else
    ip link add "$BRIDGE" type bridge && ip link set "$BRIDGE" up
    say "created bridge $BRIDGE (host-only)"
  fi
fi

# ---- virtlogd (QEMU's serial and stdio logs go through it)
if pgrep -x virtlogd >/dev/null; then
  say "virtlogd already running"
else
  virtlogd -d
  say "started virtlogd"
fi

# ---- KVM: usable or hidden from libvirtd
kvm_works() {
  [ -c /dev/kvm ] || return 1
  echo quit | timeout 20 qemu-system-x86_64 -accel kvm -M pc -nodefaults -display none -S \
    -cpu qemu64,enforce -monitor stdio >/dev/null 2>&1
}
HIDE_KVM=0
case "${FABRIC_KVM:-auto}" in
  on) ;;
  off) [ -e /dev/kvm ] && HIDE_KVM=1 ;;
  auto)
    if [ -e /dev/kvm ] && ! kvm_works; then
      HIDE_KVM=1
      say "KVM does not work here (qemu64 with -accel kvm refused): libvirtd will not see /dev/kvm; guests use TCG"
    fi ;;
  *) say "FABRIC_KVM must be auto, on or off"; exit 2 ;;
esac

# ---- libvirtd
start_libvirtd() {
  local t; t=$(now_ms)
  rm -f "$SOCKET"
  local hide=":"
  if [ "$HIDE_KVM" -eq 1 ]; then
    mkdir -p /run/fabric
    [ -c /run/fabric/nokvm ] || mknod -m 0600 /run/fabric/nokvm c 1 3
    hide="mount --bind /run/fabric/nokvm /dev/kvm"
  fi
  # private mount namespace: drop the cgroup2 'unified' mount there only (lxc:/// needs that) and,
  # when KVM is broken, hide /dev/kvm there only
  unshare -m --propagation private sh -c \
    "if mountpoint -q /sys/fs/cgroup/unified; then umount /sys/fs/cgroup/unified; fi; $hide; exec libvirtd -d"
  local deadline=$(( $(now_ms) + SOCKET_DEADLINE_S * 1000 ))
  until [ -S "$SOCKET" ] && answers qemu:///system; do
    if [ "$(now_ms)" -gt "$deadline" ]; then
      say "libvirtd did not answer on $SOCKET within ${SOCKET_DEADLINE_S} s"; exit 1
    fi
    sleep 0.1
  done
  say "started libvirtd (private mount namespace, no cgroup 'unified'); socket answered after $(( $(now_ms) - t )) ms"
}

stop_libvirtd() {
  local pid
  pid=$(cat "$PIDFILE" 2>/dev/null || pgrep -xo libvirtd || true)
  [ -z "$pid" ] && return 0
  say "stopping libvirtd (pid $pid)"
  kill "$pid" 2>/dev/null || true
  local deadline=$(( $(now_ms) + 15000 ))
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$(now_ms)" -gt "$deadline" ]; then say "libvirtd $pid does not exit"; exit 1; fi
    sleep 0.1
  done
}

count=$(pgrep -xc libvirtd || true)
if [ "${count:-0}" -gt 1 ]; then
  say "more than one libvirtd runs ($(pgrep -x libvirtd | tr '\n' ' ')): stop the extra ones first"; exit 1
fi
if [ "${count:-0}" -eq 1 ] && [ "$restart" -eq 1 ]; then
  say "restarting libvirtd as asked"
  stop_libvirtd
  start_libvirtd
elif [ "${count:-0}" -eq 1 ]; then
  if answers lxc:/// && answers qemu:///system; then
    say "libvirtd already running; qemu:///system and lxc:/// answer"
  else
    say "libvirtd runs (pid $(pgrep -x libvirtd)) but qemu:///system or lxc:/// does not answer;"
    say "it was probably started outside a private mount namespace: rerun with --restart"
    exit 3
  fi
else
  start_libvirtd
fi

status
say "done in $(( $(now_ms) - t0 )) ms"
