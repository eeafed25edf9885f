#!/usr/bin/env bash
# Cold start of a member joining a cluster that already holds many guests: a Cassandra node and member n1
# (fresh temp data, TLS off, loopback), K guests registered through n1 by the load-test harness (`scale`
# scenario, --keep), then member n2 started with --join; reported: the time until n2 serves its API, and until
# its /cluster/resources lists all K guests (its read model has folded the whole history).
#
#   scripts/bench-cluster-join.sh [GUESTS] [CLIENTS]     (default 10000, 16; build first: ./fabric build, and
#                                                         the load-test jar: ./fabric loadtest --help)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
GUESTS="${1:-10000}"
CLIENTS="${2:-16}"
OUT="$ROOT/loadtest-results/cluster-join-$(date -u +%Y%m%d-%H%M%S)"
mkdir -p "$OUT"
say() { printf 'bench-cluster-join: %s\n' "$*" >&2; }
# shellcheck source=scripts/bench-members.sh
source "$ROOT/scripts/bench-members.sh"
start_cassandra

p1=$(free_port); p2=$(free_port)
member n1 "$p1"
port1=$(api_port n1)
say "n1 serves on $port1; registering $GUESTS guests"
loadtest \
  scale --target "http://127.0.0.1:$port1" --password bench-password --guests "$GUESTS" --hosts 1 \
  --create-clients "$CLIENTS" --clients 2 --duration 5s --warmup 1s --keep --out "$OUT" | tail -n1

t0=$(ms)
member n2 "$p2" "127.0.0.1:$p1"
port2=$(api_port n2)
t_up=$(( $(ms) - t0 ))
say "n2 serves after $t_up ms; waiting for its read model to list $GUESTS guests"
ticket=$(curl -s -d username=root@pam -d password=bench-password "http://127.0.0.1:$port2/api2/json/access/ticket" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["ticket"])')
while :; do
  n=$(curl -s -b "PVEAuthCookie=$ticket" "http://127.0.0.1:$port2/api2/json/cluster/resources?type=vm" \
    | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["data"]))')
  [ "$n" -ge "$GUESTS" ] && break
  [ $(( $(ms) - t0 )) -gt 600000 ] && { say "n2 lists only $n guests after 10 minutes"; exit 1; }
  sleep 0.2
done
t_all=$(( $(ms) - t0 ))
rss=$(ps -o rss= -p "${PIDS[1]}" | tr -d ' ')
printf 'cluster-join: guests=%s n2_serves_ms=%s n2_lists_all_ms=%s n2_rss_mib=%s results=%s\n' \
  "$GUESTS" "$t_up" "$t_all" "$(( rss / 1024 ))" "$OUT" | tee "$OUT/cluster-join.txt"
