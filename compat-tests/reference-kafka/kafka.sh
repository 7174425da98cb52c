#!/usr/bin/env bash
# Reference Apache Kafka for compatibility work: a single-node KRaft broker+controller on loopback.
#
#   kafka.sh start [--port N] [--advertise HOST:PORT] [--set key=value]...
#   kafka.sh stop | status | bootstrap | classpath
#
# Kafka and its runtime dependencies come from Maven Central through pom.xml (the Kafka version
# is pinned there, in <kafka.version>, and nowhere else); nothing of Kafka is committed. The
# resolved classpath is cached per pom.xml content, so a warm start runs no Maven at all.
# See README.md beside this file.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
POM="$HERE/pom.xml"
STATE_DIR="${REF_KAFKA_STATE_DIR:-${TMPDIR:-/tmp}/tributary-reference-kafka}"
CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/tributary-reference-kafka"
DEFAULT_PORT=39092
DEPENDENCY_PLUGIN_VERSION=3.8.1
START_TIMEOUT_S="${REF_KAFKA_START_TIMEOUT:-90}"

die() { echo "reference-kafka: $*" >&2; exit 1; }
say() { echo "reference-kafka: $*" >&2; }

kafka_version() {
  sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$POM" | head -n1
}

# --- classpath --------------------------------------------------------------------------------

# Prints the broker classpath, resolving it with Maven only when pom.xml changed or a jar is gone.
classpath() {
  command -v java >/dev/null || die "java not found (Kafka $(kafka_version) needs Java 17+)"
  local key cache cp
  key="$(sha256sum "$POM" | cut -c1-16)"
  cache="$CACHE_DIR/classpath-$key.txt"
  if [[ -s "$cache" ]] && all_jars_present "$(cat "$cache")"; then
    cat "$cache"
    return
  fi
  command -v mvn >/dev/null || die "mvn not found: Maven is needed once to fetch Kafka $(kafka_version) into ~/.m2"
  mkdir -p "$CACHE_DIR"
  local log="$CACHE_DIR/mvn-$key.log"
  say "resolving Apache Kafka $(kafka_version) and its dependencies with Maven (first run only; log: $log)"
  if ! mvn -B -f "$POM" "org.apache.maven.plugins:maven-dependency-plugin:$DEPENDENCY_PLUGIN_VERSION:build-classpath" -Dmdep.includeScope=runtime \
        -Dmdep.outputFile="$cache.tmp" >"$log" 2>&1; then
    rm -f "$cache.tmp"
    if grep -qiE 'Could not transfer|UnknownHost|Unknown host|Connect(ion)? (refused|timed out)|Network is unreachable|No route to host|Could not resolve host|PKIX|No plugin found for prefix' "$log"; then
      die "Maven Central is unreachable: could not download Kafka $(kafka_version) or a dependency. Check network access to Maven Central (or a mirror in ~/.m2/settings.xml). Maven's log: $log"
    fi
    tail -n 20 "$log" >&2
    die "Maven failed to resolve Kafka $(kafka_version); see $log"
  fi
  cp="$(cat "$cache.tmp")"
  all_jars_present "$cp" || die "Maven reported a classpath with missing jars; see $log"
  mv "$cache.tmp" "$cache"
  echo "$cp"
}

all_jars_present() {
  local IFS=':' jar
  for jar in $1; do [[ -f "$jar" ]] || return 1; done
  [[ -n "$1" ]]
}

# --- ports and probing ------------------------------------------------------------------------

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port_from() {
  local p="$1" last=$(( $1 + 200 ))
  while (( p < last )); do
    port_in_use "$p" || { echo "$p"; return; }
    p=$(( p + 1 ))
  done
  die "no free port between $1 and $last"
}

# Sends a Metadata v4 request (all topics, no auto-creation) and succeeds when the response
# carries our correlation id and lists at least one broker, i.e. the broker is registered.
probe_metadata() {
  local port="$1" out
  out="$(
    exec 2>/dev/null
    exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
    # size=20 | api key 3, version 4 | correlation id 0x7e57 | client id "probe" | topics null | allow auto-create false
    printf '\x00\x00\x00\x14\x00\x03\x00\x04\x00\x00\x7e\x57\x00\x05probe\xff\xff\xff\xff\x00' >&3
    timeout 5 head -c 16 <&3 | od -An -tx1 | tr -d ' \n'
  )" || return 1
  # hex: size(8) correlation(8) throttle(8) broker count(8)
  [[ ${#out} -eq 32 && "${out:8:8}" == "00007e57" ]] || return 1
  (( 16#${out:24:8} >= 1 && 16#${out:24:8} < 16#80000000 ))
}

# --- start / stop -----------------------------------------------------------------------------

running_pid() {
  [[ -f "$STATE_DIR/pid" ]] || return 1
  local pid; pid="$(cat "$STATE_DIR/pid")"
  kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

write_log4j_config() {
  cat >"$1/log4j2.properties" <<EOF
# Kafka logs to files in its temporary directory, never to the terminal.
status = warn
appender.server.type = File
appender.server.name = server
appender.server.fileName = $1/logs/server.log
appender.server.layout.type = PatternLayout
appender.server.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.server.ref = server
logger.request.name = kafka.request.logger
logger.request.level = WARN
EOF
}

start() {
  local port="" advertise="" overrides=() auto_create="${REF_KAFKA_AUTO_CREATE_TOPICS:-true}"
  while (( $# )); do
    case "$1" in
      --port) port="$2"; shift 2 ;;
      --advertise) advertise="$2"; shift 2 ;;
      --set) overrides+=("$2"); shift 2 ;;
      *) die "unknown option for start: $1" ;;
    esac
  done
  port="${port:-${REF_KAFKA_PORT:-}}"
  advertise="${advertise:-${REF_KAFKA_ADVERTISE:-}}"

  if pid="$(running_pid)"; then
    die "already running (pid $pid, bootstrap $(cat "$STATE_DIR/bootstrap")); run '$0 stop' first"
  fi
  remove_stale_dir
  rm -rf "$STATE_DIR"; mkdir -p "$STATE_DIR"

  local cp; cp="$(classpath)"
  if [[ -n "$port" ]]; then
    port_in_use "$port" && die "port $port is already in use"
  else
    port="$(free_port_from "$DEFAULT_PORT")"
  fi
  local controller_port; controller_port="$(free_port_from $(( port + 1 )))"
  advertise="${advertise:-127.0.0.1:$port}"

  local dir; dir="$(mktemp -d "${TMPDIR:-/tmp}/reference-kafka.XXXXXX")"
  echo "$dir" >"$STATE_DIR/dir"
  mkdir -p "$dir/data" "$dir/logs"
  write_log4j_config "$dir"
  {
    echo "process.roles=broker,controller"
    echo "node.id=1"
    echo "controller.quorum.voters=1@127.0.0.1:$controller_port"
    echo "listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port"
    echo "advertised.listeners=PLAINTEXT://$advertise"
    echo "inter.broker.listener.name=PLAINTEXT"
    echo "controller.listener.names=CONTROLLER"
    echo "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"
    echo "log.dirs=$dir/data"
    echo "auto.create.topics.enable=$auto_create"
    echo "num.partitions=1"
    echo "offsets.topic.replication.factor=1"
    echo "offsets.topic.num.partitions=1"
    echo "transaction.state.log.replication.factor=1"
    echo "transaction.state.log.min.isr=1"
    echo "transaction.state.log.num.partitions=1"
    echo "share.coordinator.state.topic.replication.factor=1"
    echo "share.coordinator.state.topic.min.isr=1"
    echo "group.initial.rebalance.delay.ms=0"
    local kv
    for kv in "${overrides[@]+"${overrides[@]}"}"; do echo "$kv"; done
  } >"$dir/server.properties"

  local jvm=(java -Xms256m -Xmx1g -XX:+UseG1GC -Djava.awt.headless=true
             "-Dlog4j2.configurationFile=$dir/log4j2.properties" "-Dkafka.logs.dir=$dir/logs"
             -cp "$cp")
  # Random cluster id: 16 random bytes in URL-safe base64 without padding, as Uuid.toString().
  # Never one starting with '-' (as Kafka's Uuid.randomUuid): the tool would take it for an option.
  local cluster_id; cluster_id="-"
  while [[ "$cluster_id" == -* ]]; do cluster_id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"; done
  if ! "${jvm[@]}" kafka.tools.StorageTool format -t "$cluster_id" -c "$dir/server.properties" \
        >"$dir/logs/format.log" 2>&1; then
    cat "$dir/logs/format.log" >&2
    die "formatting the KRaft data directory failed (log: $dir/logs/format.log)"
  fi

  nohup "${jvm[@]}" kafka.Kafka "$dir/server.properties" >"$dir/logs/stdout.log" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >"$STATE_DIR/pid"
  echo "$advertise" >"$STATE_DIR/advertised"
  echo "127.0.0.1:$port" >"$STATE_DIR/bootstrap"

  local deadline=$(( SECONDS + START_TIMEOUT_S ))
  until probe_metadata "$port"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 30 "$dir/logs/server.log" "$dir/logs/stdout.log" >&2 || true
      die "Kafka exited during start-up (logs in $dir/logs)"
    fi
    (( SECONDS < deadline )) || { stop >/dev/null 2>&1 || true; die "Kafka did not answer a Metadata request within ${START_TIMEOUT_S}s"; }
    sleep 0.2
  done
  say "Kafka $(kafka_version) ready (pid $pid, data and logs in $dir, advertised $advertise)"
  echo "127.0.0.1:$port"
}

# Deletes the temporary directory recorded in the state dir, if start made it (mktemp prefix).
remove_stale_dir() {
  local dir=""
  [[ -f "$STATE_DIR/dir" ]] && dir="$(cat "$STATE_DIR/dir")"
  if [[ -n "$dir" && -d "$dir" && "$(basename "$dir")" == reference-kafka.* ]]; then rm -rf "$dir"; fi
}

stop() {
  local pid
  if pid="$(running_pid)"; then
    kill -TERM "$pid" 2>/dev/null || true
    local i
    for (( i = 0; i < 150; i++ )); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      say "pid $pid still running after 15s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    say "stopped (pid $pid)"
  else
    say "not running"
  fi
  remove_stale_dir
  rm -rf "$STATE_DIR"
}

status() {
  local pid
  if pid="$(running_pid)"; then
    echo "running: pid $pid, bootstrap $(cat "$STATE_DIR/bootstrap"), advertised $(cat "$STATE_DIR/advertised"), dir $(cat "$STATE_DIR/dir")"
  else
    echo "not running"; return 1
  fi
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) stop ;;
  status) status ;;
  bootstrap) running_pid >/dev/null || die "not running"; cat "$STATE_DIR/bootstrap" ;;
  classpath) classpath ;;
  version) kafka_version ;;
  *) echo "usage: $0 start [--port N] [--advertise HOST:PORT] [--set key=value]... | stop | status | bootstrap | classpath | version" >&2; exit 2 ;;
esac
