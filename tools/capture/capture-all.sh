#!/usr/bin/env bash
# Re-runs the whole capture: starts a fresh reference Kafka that advertises the recording
# proxy's address, drives kafkajs, kcat and the Java client through the proxy one after the
# other, then curates the raw captures into test/protocol/fixtures/captured/.
# Run by hand (not in CI); see tools/capture/README.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
KAFKA="$ROOT/compat-tests/reference-kafka/kafka.sh"
TSX="$ROOT/node_modules/.bin/tsx"
PROXY_PORT="${CAPTURE_PROXY_PORT:-39192}"
RAW="${CAPTURE_RAW_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/capture-raw.XXXXXX")}"
OUT="$ROOT/test/protocol/fixtures/captured"
CLIENTS="${CAPTURE_CLIENTS:-kafkajs kcat java}"
# Own state directory, so that a reference broker started by hand is left alone.
export REF_KAFKA_STATE_DIR="${TMPDIR:-/tmp}/tributary-capture-kafka"
export KAFKAJS_NO_PARTITIONER_WARNING=1

say() { echo "capture-all: $*" >&2; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

[[ -x "$TSX" ]] || { say "run npm install first ($TSX is missing)"; exit 1; }
port_open "$PROXY_PORT" && { say "proxy port $PROXY_PORT is in use; set CAPTURE_PROXY_PORT"; exit 1; }
mkdir -p "$RAW"

proxy_pid=""
stop_proxy() {
  if [[ -n "$proxy_pid" ]]; then
    kill -TERM "$proxy_pid" 2>/dev/null || true
    wait "$proxy_pid" 2>/dev/null || true
    proxy_pid=""
  fi
}
cleanup() { stop_proxy; "$KAFKA" stop >/dev/null 2>&1 || true; }
trap cleanup EXIT

BROKER="$("$KAFKA" start --advertise "127.0.0.1:$PROXY_PORT")"
say "reference Kafka at $BROKER, advertised through the proxy at 127.0.0.1:$PROXY_PORT; raw captures in $RAW"

# run_through_proxy NAME COMMAND...: records COMMAND's traffic as client NAME.
run_through_proxy() {
  local name="$1"; shift
  rm -f "$RAW/$name.jsonl"
  "$TSX" tools/capture/proxy.ts --listen "127.0.0.1:$PROXY_PORT" --upstream "$BROKER" \
    --client "$name" --out "$RAW/$name.jsonl" &
  proxy_pid=$!
  local i
  for (( i = 0; i < 100; i++ )); do port_open "$PROXY_PORT" && break; sleep 0.1; done
  port_open "$PROXY_PORT" || { say "proxy did not start"; exit 1; }
  say "driving $name"
  CAPTURE_BOOTSTRAP="127.0.0.1:$PROXY_PORT" "$@"
  stop_proxy
}

for client in $CLIENTS; do
  case "$client" in
    kafkajs) run_through_proxy kafkajs "$TSX" tools/capture/drivers/kafkajs.ts ;;
    kcat) run_through_proxy kcat tools/capture/drivers/kcat.sh ;;
    java)
      say "building the Java driver (Maven)"
      (cd tools/capture/java && mvn -B -q package -DskipTests \
        && mvn -B -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
             -Dmdep.includeScope=runtime -Dmdep.outputFile=target/classpath.txt) >"$RAW/java-build.log" 2>&1 \
        || { tail -n 30 "$RAW/java-build.log" >&2; say "Java driver build failed"; exit 1; }
      run_through_proxy java java -cp "tools/capture/java/target/classes:$(cat tools/capture/java/target/classpath.txt)" \
        dev.tributary.capture.Capture "127.0.0.1:$PROXY_PORT"
      ;;
    *) say "unknown client $client"; exit 1 ;;
  esac
done

raw_files=()
for client in $CLIENTS; do raw_files+=("$RAW/$client.jsonl"); done
"$TSX" tools/capture/curate.ts "$OUT" "${raw_files[@]}"
say "fixtures written to $OUT"
