# Sourced by the cluster benchmark scripts: a Cassandra node and members on loopback in a temp dir.
# Needs ROOT (the checkout, built) and say(); sets TMP and PIDS; cleans everything up on exit
# (FABRIC_BENCH_LOGS=DIR: the members' logs are copied there first).
TMP=$(mktemp -d /tmp/fabric-bench.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  FABRIC_CASSANDRA_DIR="$TMP/cassandra" bash "$ROOT/scripts/cassandra.sh" stop >/dev/null 2>&1 || true
  # FABRIC_BENCH_LOGS=DIR keeps the members' logs of the last run (the timeline behind a figure)
  if [ -n "${FABRIC_BENCH_LOGS:-}" ]; then mkdir -p "$FABRIC_BENCH_LOGS" && cp "$TMP"/*.log "$FABRIC_BENCH_LOGS"/ 2>/dev/null || true; fi
  rm -rf "$TMP"
}
trap cleanup EXIT
ms() { echo $(( $(date +%s%N) / 1000000 )); }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_cassandra: a fresh node on free ports; sets CASSANDRA (host:port)
start_cassandra() {
  CASSANDRA=$(FABRIC_CASSANDRA_DIR="$TMP/cassandra" FABRIC_CASSANDRA_PORT=0 FABRIC_CASSANDRA_STORAGE_PORT=0 \
    bash "$ROOT/scripts/cassandra.sh" start | tail -n1)
  say "Cassandra at $CASSANDRA"
}

# member NAME CLUSTER_PORT [JOIN]: starts it in the background (pid appended to PIDS); log in $TMP/NAME.log
member() {
  local name=$1 cport=$2 join=${3:-}
  env FABRIC_DATA_DIR="$TMP/$name" FABRIC_API_PORT=0 FABRIC_CLUSTER_PORT="$cport" FABRIC_TLS=off \
    FABRIC_BIND=127.0.0.1 FABRIC_ROOT_PASSWORD=bench-password FABRIC_NODE="$name" FABRIC_STORE=cassandra \
    FABRIC_CASSANDRA="$CASSANDRA" ${join:+FABRIC_JOIN=$join} \
    java ${FABRIC_JAVA_OPTS:-} -cp "$ROOT/fabric-app/target/lib/*:$ROOT/fabric-app/target/fabric-app-0.1.0-SNAPSHOT.jar" \
    org.fabricve.app.Main up >"$TMP/$name.log" 2>&1 &
  PIDS+=($!)
}

# api_port NAME: waits for the banner, prints the API port
api_port() {
  local port=""
  for _ in $(seq 1 3000); do
    port=$(sed -n 's#.*API: *http://[^:]*:\([0-9]*\)/api2/json.*#\1#p' "$TMP/$1.log" | head -n1)
    [ -n "$port" ] && { echo "$port"; return 0; }
    sleep 0.1
  done
  cat "$TMP/$1.log" >&2; say "$1 did not come up"; exit 1
}

# loadtest ARGS...: the harness (build it first: ./fabric loadtest --help)
loadtest() {
  java -Xmx1g -cp "$ROOT/loadtest/target/lib/*:$ROOT/loadtest/target/loadtest-0.1.0-SNAPSHOT.jar" \
    org.fabricve.loadtest.LoadTest "$@"
}
