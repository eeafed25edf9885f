#!/usr/bin/env bash
# Failover of HA guests when a member is lost: a Cassandra node and three members on loopback (fresh temp data,
# TLS off, simulated hosts), GUESTS HA guests created on n3 through the load-test harness (`failover` scenario),
# then n3 killed with SIGKILL; measured: each guest's time until n1's /cluster/ha/status/current reports it
# started on a survivor. RUNS repeats it on a fresh cluster each time.
#
#   scripts/bench-failover.sh [GUESTS] [RUNS]     (default 100, 1; build first: ./fabric build, and the
#                                                  load-test jar: ./fabric loadtest --help)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
GUESTS="${1:-100}"
RUNS="${2:-1}"
OUT="$ROOT/loadtest-results/failover-$(date -u +%Y%m%d-%H%M%S)"
mkdir -p "$OUT"
say() { printf 'bench-failover: %s\n' "$*" >&2; }

one_run() {
  # shellcheck source=scripts/bench-members.sh
  source "$ROOT/scripts/bench-members.sh"
  start_cassandra
  local p1 p2 p3 port1
  p1=$(free_port); p2=$(free_port); p3=$(free_port)
  member n1 "$p1"
  port1=$(api_port n1)
  member n2 "$p2" "127.0.0.1:$p1"
  member n3 "$p3" "127.0.0.1:$p1"
  api_port n2 >/dev/null
  api_port n3 >/dev/null
  local ticket quorate=""
  ticket=$(curl -s -d username=root@pam -d password=bench-password "http://127.0.0.1:$port1/api2/json/access/ticket" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["ticket"])')
  for _ in $(seq 1 600); do
    quorate=$(curl -s -b "PVEAuthCookie=$ticket" "http://127.0.0.1:$port1/api2/json/cluster/status" | python3 -c '
import json,sys
rows=json.load(sys.stdin)["data"]
q=any(r.get("type")=="cluster" and r.get("quorate")==1 for r in rows)
print("yes" if q and sum(1 for r in rows if r.get("type")=="node" and r.get("online")==1)==3 else "")' || true)
    [ -n "$quorate" ] && break
    sleep 0.2
  done
  [ -n "$quorate" ] || { say "the three members did not form a quorate cluster"; exit 1; }
  say "three members up (n3 is pid ${PIDS[2]}); $GUESTS HA guests on n3, then kill -9"
  loadtest failover --target "http://127.0.0.1:$port1" --password bench-password --victim n3 \
    --guests "$GUESTS" --kill "kill -9 ${PIDS[2]}" --keep --out "$OUT" | tail -n1
  cleanup
  trap - EXIT
}

for run in $(seq 1 "$RUNS"); do
  say "run $run of $RUNS"
  ( one_run )
done
python3 - "$OUT" <<'PY'
import json, os, sys
for f in sorted(os.listdir(sys.argv[1])):
    if f.endswith(".json"):
        d = json.load(open(os.path.join(sys.argv[1], f)))
        x = d["extra"]
        print(f"failover: guests={x['guests_on_victim']} recovered={x.get('recovered')} first_ms={x.get('first_ms')} "
              f"median_ms={x.get('median_ms')} last_ms={x.get('last_ms')} errors={d['errors']} file={f}")
PY
