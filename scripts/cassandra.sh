#!/usr/bin/env bash
# A real single-node Apache Cassandra for development, tests and load tests, in its own JVM.
#
#   scripts/cassandra.sh start|stop|status      (also: ./fabric cassandra start|stop|status)
#
# start: copies the Cassandra server jars (version pinned in the parent pom) from Maven into a cache folder
#        once, writes a minimal cassandra.yaml bound to 127.0.0.1, starts the JVM, waits until the CQL port
#        answers and prints HOST:PORT. Idempotent: when this instance already runs it prints its address.
# stop:  stops it cleanly (SIGTERM: Cassandra drains its memtables), waits for the process to end.
# status: "running pid N at HOST:PORT" (exit 0) or "not running" (exit 3).
#
# Settings (environment):
#   FABRIC_DATA_DIR                the data directory (default ./data); the instance lives in DATA/cassandra
#   FABRIC_CASSANDRA_DIR           the instance directory itself (overrides the above)
#   FABRIC_CASSANDRA_HOST          listen address for CQL and storage (default 127.0.0.1)
#   FABRIC_CASSANDRA_PORT          CQL port (default 9042; 0 picks a free port at the first start)
#   FABRIC_CASSANDRA_STORAGE_PORT  inter-node storage port (default 7000; 0 picks a free port)
#   FABRIC_CASSANDRA_HEAP          max heap (default 512m; the initial heap stays small, see below)
#   FABRIC_CASSANDRA_FAST=1        test-only start-up flags: no fsync of system tables, C1 JIT only; never
#                                  for data you want to keep
#   FABRIC_CASSANDRA_START_TIMEOUT seconds to wait for the CQL port (default 180)
#   FABRIC_CASSANDRA_JAVA          the java binary (default: a Java 17 or 11; Cassandra 5.0 fails on newer)
#   FABRIC_CASSANDRA_CACHE         where the server jars are kept (default ~/.cache/fabric-ve/cassandra-VERSION)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CALLER="${FABRIC_CALLER_DIR:-$PWD}"

say() { printf 'cassandra: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

abs() { case "$1" in /*) printf '%s' "$1" ;; *) printf '%s/%s' "$CALLER" "$1" ;; esac; }

VERSION=$(sed -n 's#.*<cassandra.version>\(.*\)</cassandra.version>.*#\1#p' "$ROOT/pom.xml" | head -n1)
[ -n "$VERSION" ] || die "no <cassandra.version> in $ROOT/pom.xml"
CACHE="${FABRIC_CASSANDRA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/fabric-ve/cassandra-$VERSION}"
LIB="$CACHE/lib"
if [ -n "${FABRIC_CASSANDRA_DIR:-}" ]; then
  DIR="$(abs "$FABRIC_CASSANDRA_DIR")"
else
  DIR="$(abs "${FABRIC_DATA_DIR:-$ROOT/data}")/cassandra"
fi
HOST="${FABRIC_CASSANDRA_HOST:-127.0.0.1}"
PIDFILE="$DIR/cassandra.pid"
ADDRFILE="$DIR/address"          # "HOST CQL_PORT STORAGE_PORT" of the running (or last) instance
LOG="$DIR/logs/cassandra.out"

# --- ports -------------------------------------------------------------------------------------------

# Whether anything listens on TCP port $1 (read from /proc: no extra tools needed).
port_in_use() {
  local hex
  hex=$(printf '%04X' "$1")
  awk -v p=":$hex" '$4 == "0A" && substr($2, length($2) - 4) == p { found = 1 } END { exit !found }' \
    /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

free_port() {
  local p
  for _ in $(seq 1 200); do
    p=$((20000 + RANDOM % 40000))
    port_in_use "$p" || { printf '%s' "$p"; return 0; }
  done
  die "found no free port"
}

answers() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# --- the process ---------------------------------------------------------------------------------------

# The pid of this instance when it runs (checked by its command line, so a recycled pid does not count).
running_pid() {
  [ -f "$PIDFILE" ] || return 1
  local pid
  pid=$(cat "$PIDFILE")
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "CassandraDaemon" || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "-Dfabric.cassandra.dir=$DIR " || return 1
  printf '%s' "$pid"
}

# --- prerequisites ---------------------------------------------------------------------------------------

java_major() { "$1" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1; }

find_java() {
  if [ -n "${FABRIC_CASSANDRA_JAVA:-}" ]; then printf '%s' "$FABRIC_CASSANDRA_JAVA"; return 0; fi
  local candidates=() j v
  command -v java >/dev/null 2>&1 && candidates+=("$(command -v java)")
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME/bin/java")
  for j in /usr/lib/jvm/*17*/bin/java /usr/lib/jvm/*11*/bin/java; do [ -x "$j" ] && candidates+=("$j"); done
  for j in "${candidates[@]}"; do
    v=$(java_major "$j" || true)
    if [ "$v" = 17 ] || [ "$v" = 11 ]; then printf '%s' "$j"; return 0; fi
  done
  if [ "$(id -u)" -eq 0 ]; then
    say "installing openjdk-17-jre-headless (Cassandra $VERSION needs Java 17 or 11)"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless >/dev/null
    for j in /usr/lib/jvm/*17*/bin/java; do [ -x "$j" ] && { printf '%s' "$j"; return 0; }; done
  fi
  die "Cassandra $VERSION needs Java 17 or 11 (not found; set FABRIC_CASSANDRA_JAVA or install openjdk-17-jre-headless)"
}

ensure_jars() {
  [ -f "$LIB/.complete" ] && return 0
  if ! command -v mvn >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ]; then
      say "installing maven"
      DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends maven >/dev/null
    else
      die "Maven is needed once to fetch the Cassandra jars: sudo apt-get install maven"
    fi
  fi
  say "copying Cassandra $VERSION and its dependencies from Maven into $LIB (once)"
  rm -rf "$LIB"
  mkdir -p "$LIB"
  local out
  out=$(mktemp)
  if ! mvn -B -q -f "$ROOT/scripts/cassandra/pom.xml" -Dcassandra.version="$VERSION" \
      org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$LIB" >"$out" 2>&1; then
    cat "$out" >&2
    rm -f "$out"
    die "could not copy the Cassandra jars with Maven"
  fi
  rm -f "$out"
  touch "$LIB/.complete"
}

# --- configuration ---------------------------------------------------------------------------------------

write_config() {
  local cql="$1" storage="$2"
  mkdir -p "$DIR/conf" "$DIR/data" "$DIR/commitlog" "$DIR/saved_caches" "$DIR/hints" "$DIR/cdc_raw" "$DIR/logs"
  cat >"$DIR/conf/cassandra.yaml" <<YAML
# written by scripts/cassandra.sh at every start: a single development node
cluster_name: fabric-dev
num_tokens: 16
partitioner: org.apache.cassandra.dht.Murmur3Partitioner
endpoint_snitch: SimpleSnitch
seed_provider:
  - class_name: org.apache.cassandra.locator.SimpleSeedProvider
    parameters:
      - seeds: "$HOST:$storage"
listen_address: $HOST
rpc_address: $HOST
storage_port: $storage
native_transport_port: $cql
start_native_transport: true
data_file_directories:
  - $DIR/data
commitlog_directory: $DIR/commitlog
saved_caches_directory: $DIR/saved_caches
hints_directory: $DIR/hints
cdc_raw_directory: $DIR/cdc_raw
commitlog_sync: periodic
commitlog_sync_period: 10000ms
commitlog_segment_size: 8MiB
memtable_heap_space: 64MiB
memtable_offheap_space: 64MiB
concurrent_reads: 8
concurrent_writes: 16
concurrent_counter_writes: 4
key_cache_size: 16MiB
# a development node: no authentication, the default superuser is not created
authenticator: AllowAllAuthenticator
authorizer: AllowAllAuthorizer
YAML
  if [ "${FABRIC_CASSANDRA_FAST:-0}" = 1 ]; then
    # tests drop their keyspaces: no snapshot of what is dropped
    printf 'auto_snapshot: false\n' >>"$DIR/conf/cassandra.yaml"
  fi
  cat >"$DIR/conf/logback.xml" <<XML
<configuration>
  <appender name="FILE" class="ch.qos.logback.core.FileAppender">
    <file>$DIR/logs/system.log</file>
    <encoder><pattern>%-5level [%thread] %date{ISO8601} %F:%L - %msg%n</pattern></encoder>
  </appender>
  <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
    <filter class="ch.qos.logback.classic.filter.ThresholdFilter"><level>WARN</level></filter>
    <encoder><pattern>%-5level %date{HH:mm:ss.SSS} %msg%n</pattern></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="FILE"/><appender-ref ref="STDOUT"/></root>
</configuration>
XML
}

# The module flags of Cassandra's own conf/jvm17-server.options (without them Java 17 refuses its reflection).
JPMS_FLAGS=(
  -Djdk.attach.allowAttachSelf=true
  --add-exports java.base/jdk.internal.misc=ALL-UNNAMED
  --add-exports java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED
  --add-exports java.rmi/sun.rmi.registry=ALL-UNNAMED
  --add-exports java.rmi/sun.rmi.server=ALL-UNNAMED
  --add-exports java.sql/java.sql=ALL-UNNAMED
  --add-exports java.base/java.lang.ref=ALL-UNNAMED
  --add-exports jdk.unsupported/sun.misc=ALL-UNNAMED
  --add-exports jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED
  --add-exports jdk.attach/sun.tools.attach=ALL-UNNAMED
  --add-opens java.base/java.lang.module=ALL-UNNAMED
  --add-opens java.base/jdk.internal.loader=ALL-UNNAMED
  --add-opens java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens java.base/jdk.internal.reflect=ALL-UNNAMED
  --add-opens java.base/jdk.internal.math=ALL-UNNAMED
  --add-opens java.base/jdk.internal.module=ALL-UNNAMED
  --add-opens java.base/jdk.internal.util.jar=ALL-UNNAMED
  --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED
  --add-opens java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens java.base/java.io=ALL-UNNAMED
  --add-opens java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens jdk.compiler/com.sun.tools.javac=ALL-UNNAMED
  --add-opens java.base/java.lang=ALL-UNNAMED
  --add-opens java.base/java.util=ALL-UNNAMED
  -Dio.netty.tryReflectionSetAccessible=true
  -Dio.netty.allocator.useCacheForAllThreads=true
  -Dio.netty.allocator.maxOrder=11
)

jvm_flags() {
  # Small initial heap: as root Cassandra mlocks its whole heap at start. No -ea (Cassandra's own options
  # enable assertions; they cost start-up time and throughput). A single node has no gossip to settle.
  JVM=(-Xms64m "-Xmx${FABRIC_CASSANDRA_HEAP:-512m}" -Xss512k -XX:+UseG1GC -XX:+ParallelRefProcEnabled
       -XX:+HeapDumpOnOutOfMemoryError "-XX:HeapDumpPath=$DIR/logs" -XX:+ExitOnOutOfMemoryError
       -Djava.net.preferIPv4Stack=true -Dcassandra-foreground=yes
       -Dcassandra.skip_wait_for_gossip_to_settle=0
       -Dcassandra.memtable_row_overhead_computation_step=100
       "-Dcassandra.config=file://$DIR/conf/cassandra.yaml"
       "-Dcassandra.logdir=$DIR/logs" "-Dcassandra.storagedir=$DIR"
       "-Dlogback.configurationFile=$DIR/conf/logback.xml")
  # an AppCDS archive of the classes a start loads (written by the first run when it stops): the JVM maps
  # them instead of parsing and verifying some 10,000 classes again; a stale archive is ignored by the JVM
  if [ -s "$CACHE/cassandra.jsa" ]; then
    JVM+=("-XX:SharedArchiveFile=$CACHE/cassandra.jsa" -Xlog:cds=off -Xlog:cds+dynamic=off)
  else
    JVM+=("-XX:ArchiveClassesAtExit=$CACHE/cassandra.jsa")
  fi
  if [ "${FABRIC_CASSANDRA_FAST:-0}" = 1 ]; then
    # tests only: system tables without fsync, and the C1 compiler only (starts faster, runs slower)
    JVM+=(-Dcassandra.unsafesystem=true -XX:TieredStopAtLevel=1)
  fi
}

# --- commands ------------------------------------------------------------------------------------------

start() {
  mkdir -p "$DIR"
  exec 9>"$DIR/.lock"
  flock -w 300 9 || die "another start/stop of $DIR is taking too long"

  local pid cql storage
  if pid=$(running_pid); then
    read -r _ cql storage <"$ADDRFILE"
    if [ -n "${FABRIC_CASSANDRA_PORT:-}" ] && [ "$FABRIC_CASSANDRA_PORT" != 0 ] && [ "$FABRIC_CASSANDRA_PORT" != "$cql" ]; then
      die "the Cassandra in $DIR already runs (pid $pid) on CQL port $cql, not $FABRIC_CASSANDRA_PORT: stop it first"
    fi
    wait_for_cql "$pid" "$cql"
    printf '%s:%s\n' "$HOST" "$cql"
    return 0
  fi

  cql="${FABRIC_CASSANDRA_PORT:-9042}"
  storage="${FABRIC_CASSANDRA_STORAGE_PORT:-7000}"
  # a restarted instance keeps the ports it picked before (the contact point stays the same)
  if [ -f "$ADDRFILE" ]; then
    local old_cql old_storage
    read -r _ old_cql old_storage <"$ADDRFILE" || true
    [ "$cql" = 0 ] && [ -n "${old_cql:-}" ] && ! port_in_use "$old_cql" && cql="$old_cql"
    [ "$storage" = 0 ] && [ -n "${old_storage:-}" ] && ! port_in_use "$old_storage" && storage="$old_storage"
  fi
  [ "$cql" = 0 ] && cql=$(free_port)
  [ "$storage" = 0 ] && storage=$(free_port)
  [[ "$cql" =~ ^[0-9]+$ ]] && [ "$cql" -le 65535 ] || die "FABRIC_CASSANDRA_PORT must be a port number, not '$cql'"
  [[ "$storage" =~ ^[0-9]+$ ]] && [ "$storage" -le 65535 ] || die "FABRIC_CASSANDRA_STORAGE_PORT must be a port number, not '$storage'"
  [ "$cql" != "$storage" ] || die "the CQL and storage ports must differ (both $cql)"
  port_in_use "$cql" && die "CQL port $cql is in use by another process: set FABRIC_CASSANDRA_PORT (0 picks a free one)"
  port_in_use "$storage" && die "storage port $storage is in use by another process: set FABRIC_CASSANDRA_STORAGE_PORT (0 picks a free one)"

  local java
  java=$(find_java)
  ensure_jars
  write_config "$cql" "$storage"
  jvm_flags
  printf '%s %s %s\n' "$HOST" "$cql" "$storage" >"$ADDRFILE"

  say "starting Cassandra $VERSION from $DIR (CQL $HOST:$cql, storage port $storage)"
  local began=$SECONDS
  # setsid: its own session, so the caller's Ctrl-C or a test run ending does not take it down
  setsid "$java" "${JVM[@]}" "${JPMS_FLAGS[@]}" "-Dfabric.cassandra.dir=$DIR" \
    -cp "$LIB/*" org.apache.cassandra.service.CassandraDaemon \
    </dev/null >"$LOG" 2>&1 9>&- &
  pid=$!
  echo "$pid" >"$PIDFILE"
  wait_for_cql "$pid" "$cql"
  say "CQL port open after $((SECONDS - began)) s (pid $pid, log $DIR/logs/system.log)"
  printf '%s:%s\n' "$HOST" "$cql"
}

wait_for_cql() {
  local pid="$1" cql="$2" deadline=$((SECONDS + ${FABRIC_CASSANDRA_START_TIMEOUT:-180}))
  until answers "$HOST" "$cql"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 30 "$LOG" >&2 || true
      die "Cassandra (pid $pid) exited before its CQL port opened; see $LOG and $DIR/logs/system.log"
    fi
    [ "$SECONDS" -lt "$deadline" ] || die "the CQL port $HOST:$cql did not open within ${FABRIC_CASSANDRA_START_TIMEOUT:-180} s (pid $pid still runs; see $DIR/logs/system.log)"
    sleep 0.2
  done
}

stop() {
  [ -d "$DIR" ] || { say "not running ($DIR does not exist)"; return 0; }
  exec 9>"$DIR/.lock"
  flock -w 300 9 || die "another start/stop of $DIR is taking too long"
  local pid
  if ! pid=$(running_pid); then
    say "not running"
    rm -f "$PIDFILE"
    return 0
  fi
  say "stopping Cassandra (pid $pid)"
  kill -TERM "$pid"
  local deadline=$((SECONDS + 90))
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      say "pid $pid did not stop within 90 s: killing it"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.2
  done
  rm -f "$PIDFILE"
  say "stopped"
}

status() {
  local pid cql
  if pid=$(running_pid); then
    read -r _ cql _ <"$ADDRFILE"
    if answers "$HOST" "$cql"; then
      echo "running pid $pid at $HOST:$cql ($DIR)"
    else
      echo "starting pid $pid, CQL port $HOST:$cql not open yet ($DIR)"
    fi
    return 0
  fi
  echo "not running ($DIR)"
  return 3
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) say "usage: scripts/cassandra.sh start|stop|status"; exit 2 ;;
esac
