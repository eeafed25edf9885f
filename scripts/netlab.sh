#!/usr/bin/env bash
# A network lab for multi-host tests on one machine: every member gets its own network namespace, so that a
# partition is a real cut link, not a simulation. Run as root.
#
# Each namespace NAME-nI has two links into the root namespace:
#   cluster link  10.77.0.(10+I)/24 on bridge NAME-c (root side 10.77.0.1): cluster traffic and the journal
#   management    10.78.0.(10+I)/24 on bridge NAME-m (root side 10.78.0.1): the test's own view of the API
# Cutting a member cuts its cluster link only, so a test can still watch the cut-off member through the API.
#
#   scripts/netlab.sh up NAME COUNT    create (idempotent) NAME-n1 .. NAME-nCOUNT
#   scripts/netlab.sh cut NAME I       partition member I from every other member and from the journal
#   scripts/netlab.sh heal NAME I      reconnect it
#   scripts/netlab.sh down NAME        remove every namespace, link and bridge of the lab
#   scripts/netlab.sh exec NAME I CMD  run CMD inside member I's namespace
set -euo pipefail

say() { printf 'netlab: %s\n' "$*" >&2; }

[ "$(id -u)" -eq 0 ] || { say "must run as root (network namespaces)"; exit 1; }
command -v ip >/dev/null 2>&1 || { say "needs iproute2 (apt-get install -y iproute2)"; exit 1; }

name_ok() { [[ "$1" =~ ^[a-z][a-z0-9]{0,5}$ ]] || { say "lab name '$1': 1-6 lowercase letters/digits"; exit 2; }; }
index_ok() { [[ "$1" =~ ^[1-9][0-9]?$ ]] || { say "member index '$1': 1-99"; exit 2; }; }

ensure_bridge() { # bridge address
  if ! ip link show "$1" >/dev/null 2>&1; then
    ip link add "$1" type bridge
    ip addr add "$2/24" dev "$1"
  fi
  ip link set "$1" up
}

ensure_link() { # namespace host-side guest-side bridge address
  local ns=$1 host=$2 guest=$3 br=$4 addr=$5
  if ! ip link show "$host" >/dev/null 2>&1; then
    ip link add "$host" type veth peer name "$guest"
    ip link set "$guest" netns "$ns"
    ip -n "$ns" addr add "$addr/24" dev "$guest"
  fi
  ip link set "$host" master "$br" up
  ip -n "$ns" link set "$guest" up
}

up() {
  local lab=$1 count=$2
  ensure_bridge "$lab-c" 10.77.0.1
  ensure_bridge "$lab-m" 10.78.0.1
  for i in $(seq 1 "$count"); do
    local ns="$lab-n$i"
    ip netns list | grep -qw "^$ns" || ip netns add "$ns"
    ip -n "$ns" link set lo up
    ensure_link "$ns" "$lab-c$i" cl0 "$lab-c" "10.77.0.$((10 + i))"
    ensure_link "$ns" "$lab-m$i" mg0 "$lab-m" "10.78.0.$((10 + i))"
  done
  say "lab $lab: $count members, cluster 10.77.0.11.., management 10.78.0.11.."
}

down() {
  local lab=$1 ns
  for ns in $(ip netns list | awk '{print $1}' | grep "^$lab-n[0-9]*$" || true); do
    # processes left in the namespace would keep it alive without its links
    ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
    ip netns del "$ns"
  done
  ip link del "$lab-c" 2>/dev/null || true
  ip link del "$lab-m" 2>/dev/null || true
}

cmd=${1:-}
case "$cmd" in
  up) name_ok "${2:-}"; index_ok "${3:-}"; up "$2" "$3" ;;
  down) name_ok "${2:-}"; down "$2" ;;
  cut) name_ok "${2:-}"; index_ok "${3:-}"; ip link set "$2-c$3" down; say "member $3 of $2 cut off" ;;
  heal) name_ok "${2:-}"; index_ok "${3:-}"; ip link set "$2-c$3" up; say "member $3 of $2 reconnected" ;;
  exec) name_ok "${2:-}"; index_ok "${3:-}"; ns="$2-n$3"; shift 3; exec ip netns exec "$ns" "$@" ;;
  *) say "usage: netlab.sh up NAME COUNT | cut NAME I | heal NAME I | down NAME | exec NAME I CMD..."; exit 2 ;;
esac
