#!/usr/bin/env bash
# The journal stores compared through the whole fabric: a node on H2 and a node on Cassandra, each in a temp
# data directory on free ports (TLS off), the same two load-test scenarios against each:
#   lifecycle, 1 client   - latency of every API write (create, start, stop, delete: each persists events)
#   events, 1 writer      - delivery latency of the event stream (journal write -> SSE receipt), which on
#                           Cassandra is the events-by-tag query's delay plus the member's tail
# The Cassandra node is started afresh by scripts/cassandra.sh (development flags, not the test ones), and its
# cold start is reported. Results: loadtest-results/journal-<time>/ and a table on stdout.
#
#   scripts/bench-journal.sh [SECONDS]      (run ./fabric build and the load-test build first, or ./fabric bench once)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SECS="${1:-15}"
OUT="$ROOT/loadtest-results/journal-$(date -u +%Y%m%d-%H%M%S)"
TMP=$(mktemp -d /tmp/fabric-bench-journal.XXXXXX)
mkdir -p "$OUT"
say() { printf 'bench-journal: %s\n' "$*" >&2; }
NODE_PID=""
cleanup() {
  [ -n "$NODE_PID" ] && kill "$NODE_PID" 2>/dev/null && wait "$NODE_PID" 2>/dev/null || true
  FABRIC_CASSANDRA_DIR="$TMP/cassandra" bash scripts/cassandra.sh stop >/dev/null 2>&1 || true
  rm -rf "$TMP"
}
trap cleanup EXIT

LT=(java -Xmx1g -cp "loadtest/target/lib/*:loadtest/target/loadtest-0.1.0-SNAPSHOT.jar")
results=()

# run_node NAME ENV...: starts a member with the given environment, waits for its API, runs the scenarios
run_node() {
  local name="$1"; shift
  local data="$TMP/$name" port began
  began=$(date +%s%N)
  env "$@" FABRIC_DATA_DIR="$data" FABRIC_API_PORT=0 FABRIC_CLUSTER_PORT=0 FABRIC_TLS=off FABRIC_BIND=127.0.0.1 \
    FABRIC_ROOT_PASSWORD=bench-password FABRIC_NODE=bench \
    java -cp "fabric-app/target/lib/*:fabric-app/target/fabric-app-0.1.0-SNAPSHOT.jar" org.fabricve.app.Main up \
    >"$TMP/$name.log" 2>&1 &
  NODE_PID=$!
  port=""
  for _ in $(seq 1 1200); do
    port=$(sed -n 's#.*API: *http://[^:]*:\([0-9]*\)/api2/json.*#\1#p' "$TMP/$name.log" | head -n1)
    [ -n "$port" ] && break
    kill -0 "$NODE_PID" 2>/dev/null || { cat "$TMP/$name.log" >&2; say "the $name node did not start"; exit 1; }
    sleep 0.1
  done
  [ -n "$port" ] || { say "the $name node did not come up within 120 s"; exit 1; }
  say "$name node up at http://127.0.0.1:$port after $(( ($(date +%s%N) - began) / 1000000 )) ms"
  local target=(--target "http://127.0.0.1:$port" --user root@pam --password bench-password --out "$OUT")
  results+=("$("${LT[@]}" org.fabricve.loadtest.LoadTest lifecycle "${target[@]}" --clients 1 --duration "${SECS}s" --warmup 5s | tail -n1)")
  results+=("$("${LT[@]}" org.fabricve.loadtest.LoadTest events "${target[@]}" --clients 1 --subscribers 4 --duration "${SECS}s" --warmup 3s | tail -n1)")
  kill "$NODE_PID"; wait "$NODE_PID" 2>/dev/null || true
  NODE_PID=""
}

run_node h2 FABRIC_STORE=h2

began=$(date +%s%N)
contact=$(FABRIC_CASSANDRA_DIR="$TMP/cassandra" FABRIC_CASSANDRA_PORT=0 FABRIC_CASSANDRA_STORAGE_PORT=0 \
  bash scripts/cassandra.sh start)
say "Cassandra cold start (fresh data directory): $(( ($(date +%s%N) - began) / 1000000 )) ms, at $contact"
run_node cassandra FABRIC_STORE=cassandra FABRIC_CASSANDRA="$contact"

"${LT[@]}" org.fabricve.loadtest.BenchSummary "${results[@]}"
say "results in $OUT (first lifecycle/events pair: H2, second: Cassandra)"
