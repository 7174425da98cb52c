#!/usr/bin/env bash
# The wider compatibility suite: clients that do not come from npm, and every scenario against
# the real Apache Kafka too.
#
#   1. builds Tributary (npm run build);
#   2. runs the kcat, confluent-kafka (Python) and kafka-python scenarios against Tributary
#      (each pytest run starts its own broker from the compiled CLI, see conftest.py), then
#      builds the Java client scenarios (java/, Maven) and runs them against a Tributary started
#      here from the same CLI;
#   3. unless SKIP_REFERENCE=1, starts the reference Kafka (reference-kafka/kafka.sh) and runs the
#      same kcat/Python/Java scenarios plus the kafkajs and @platformatic/kafka ones against it (a
#      scenario that fails on real Kafka is a broken scenario);
#   4. prints a per-client pass/fail summary and exits non-zero on any failure;
#   5. writes the client × scenario × broker table (compat-table.ts) to results/latest.md and
#      README.md's compatibility results section.
#
# Prerequisites: compat-tests/install-prereqs.sh (kcat, the Python clients, Java + Maven).
# The kafkajs/platformatic scenarios against Tributary run in `npm test`.
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
PYTHON="${PYTHON:-python3}"
STEP_TIMEOUT="${STEP_TIMEOUT:-600}"
export PYTHONDONTWRITEBYTECODE=1
# A state directory of our own, so that another reference Kafka on this machine is left alone.
export REF_KAFKA_STATE_DIR="${REF_KAFKA_STATE_DIR:-${TMPDIR:-/tmp}/tributary-run-wider-kafka}"

LOG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/run-wider.XXXXXX")"
# Per-test results of every step (JUnit XML, jest JSON), read by compat-table.ts at the end.
RESULTS_RAW="$HERE/results/raw"
rm -rf "$RESULTS_RAW" && mkdir -p "$RESULTS_RAW"
declare -a SUMMARY=()
TOTAL_PASSED=0
TOTAL_FAILED=0
FAILED_STEPS=0

say() { echo "run-wider: $*" >&2; }

# record <target> <client> <exit code> <passed> <failed>
record() {
  local status=PASS
  if [[ "$3" != 0 ]] || (( $5 > 0 )) || (( $4 == 0 )); then status=FAIL; FAILED_STEPS=$((FAILED_STEPS + 1)); fi
  SUMMARY+=("$(printf '%-10s %-24s %-5s %4d passed %4d failed' "$1" "$2" "$status" "$4" "$5")")
  TOTAL_PASSED=$((TOTAL_PASSED + $4))
  TOTAL_FAILED=$((TOTAL_FAILED + $5))
}

# count <log> <word>: the number before "<word>" in the runner's closing line (pytest or jest).
count() {
  local n
  n="$(grep -E "^(=+ )?[0-9]+ (passed|failed|errors?|skipped|deselected).* in [0-9.]+s|^Tests: .*total" "$1" | tail -n1 | grep -oE "[0-9]+ $2" | grep -oE '[0-9]+' | head -n1)"
  echo "${n:-0}"
}

run_pytest() { # <target label> <client dir> [KAFKA_BOOTSTRAP]
  local label="$1" client="$2" bootstrap="${3:-}" log="$LOG_DIR/$1-$2.log" rc
  say "[$label] $client"
  (cd "$HERE" && KAFKA_BOOTSTRAP="$bootstrap" timeout "$STEP_TIMEOUT" "$PYTHON" -m pytest -q "$client" \
    --junitxml="$RESULTS_RAW/$label--$client.xml") 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  local failed=$(( $(count "$log" failed) + $(count "$log" error) ))
  record "$label" "$client" "$rc" "$(count "$log" passed)" "$failed"
}

run_jest() { # <target label> <client dir> <bootstrap>
  local label="$1" client="$2" log="$LOG_DIR/$1-$2.log" rc
  say "[$label] $client"
  (cd "$ROOT" && KAFKA_BOOTSTRAP="$3" timeout "$STEP_TIMEOUT" npx jest "compat-tests/$client" \
    --json --outputFile="$RESULTS_RAW/$label--$client.json") 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  record "$label" "$client" "$rc" "$(count "$log" passed)" "$(count "$log" failed)"
}

# --- Java client (compat-tests/java, Maven + JUnit) --------------------------------------------
JAVA_POM="$HERE/java/pom.xml"
JAVA_BUILT=0

# Compiles the Java scenarios once; the first run fetches kafka-clients, JUnit and the Maven
# plugins from Maven Central into ~/.m2, later runs resolve from ~/.m2 alone. Without Maven
# Central and with an empty ~/.m2 this is where the run fails, with Maven's reason.
build_java() {
  say "building the Java client scenarios (mvn, dependencies from ~/.m2 or Maven Central)"
  if ! command -v mvn >/dev/null || ! command -v java >/dev/null; then
    say "java or mvn not found: run compat-tests/install-prereqs.sh"
    return 1
  fi
  if ! timeout "$STEP_TIMEOUT" mvn -q -B -f "$JAVA_POM" -DskipTests test-compile >"$LOG_DIR/java-build.log" 2>&1; then
    grep -m 8 '^\[ERROR\]' "$LOG_DIR/java-build.log" >&2 || tail -n 20 "$LOG_DIR/java-build.log" >&2
    say "Java build FAILED (is Maven Central reachable, or is ~/.m2 populated? full log: $LOG_DIR/java-build.log)"
    return 1
  fi
}

# Counts from Surefire's closing "Tests run: N, Failures: F, Errors: E, Skipped: S" line.
surefire_counts() { # <log> -> "<passed> <failed>"
  local line run failures errors skipped
  line="$(grep -E '^\[[A-Z]+\] Tests run: [0-9]+, Failures: [0-9]+, Errors: [0-9]+, Skipped: [0-9]+$' "$1" | tail -n1)"
  [[ -n "$line" ]] || { echo "0 0"; return; }
  read -r run failures errors skipped < <(echo "$line" | grep -oE '[0-9]+' | tr '\n' ' ')
  echo "$((run - failures - errors - skipped)) $((failures + errors))"
}

run_java() { # <target label> <bootstrap>
  local label="$1" log="$LOG_DIR/$1-java.log" rc counts
  say "[$label] java"
  if [[ "$JAVA_BUILT" != 1 ]]; then
    record "$label" "java (build failed)" 1 0 0
    return
  fi
  rm -rf "$HERE/java/target/surefire-reports"
  KAFKA_BOOTSTRAP="$2" timeout "$STEP_TIMEOUT" mvn -B --no-transfer-progress -f "$JAVA_POM" test 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  mkdir -p "$RESULTS_RAW/$label--java" && cp "$HERE"/java/target/surefire-reports/TEST-*.xml "$RESULTS_RAW/$label--java/" 2>/dev/null
  counts="$(surefire_counts "$log")"
  if [[ "$counts" == "0 0" ]]; then
    say "[$label] java: no Surefire summary (Maven could not run the tests; see $log)"
  fi
  record "$label" java "$rc" "${counts% *}" "${counts#* }"
}

# Starts Tributary from bin/tributary.js (the bundled CLI users run) on a free port (as
# conftest.py does) and sets TRIBUTARY_BOOTSTRAP to its host:port. Not to be called in a subshell: TRIBUTARY_PID must stay.
TRIBUTARY_PID=""
TRIBUTARY_BOOTSTRAP=""
start_tributary() { # <log>
  local log="$1" deadline port
  TRIBUTARY_LOG_LEVEL=info TRIBUTARY_LOG_FORMAT=json \
    node "$ROOT/bin/tributary.js" --ephemeral --override listeners=PLAINTEXT://127.0.0.1:0 \
    >"$log" 2>&1 </dev/null &
  TRIBUTARY_PID=$!
  deadline=$((SECONDS + 30))
  while (( SECONDS < deadline )); do
    kill -0 "$TRIBUTARY_PID" 2>/dev/null || { say "Tributary exited during start-up (log: $log)"; return 1; }
    port="$(grep -m1 '"msg":"Tributary broker [0-9]* ready on' "$log" | grep -oE '"port":[0-9]+' | head -n1 | cut -d: -f2)"
    if [[ -n "$port" ]]; then TRIBUTARY_BOOTSTRAP="127.0.0.1:$port"; return 0; fi
    sleep 0.1
  done
  say "Tributary did not log its ready line within 30 s (log: $log)"
  return 1
}
stop_tributary() {
  if [[ -n "$TRIBUTARY_PID" ]] && kill -0 "$TRIBUTARY_PID" 2>/dev/null; then
    kill -TERM "$TRIBUTARY_PID"
    wait "$TRIBUTARY_PID" 2>/dev/null || true
  fi
  TRIBUTARY_PID=""
}
trap stop_tributary EXIT

PY_CLIENTS=(kcat confluent-kafka-python kafka-python)

say "building Tributary"
if ! (cd "$ROOT" && npm run --silent build); then
  say "build failed"
  exit 1
fi

for client in "${PY_CLIENTS[@]}"; do run_pytest tributary "$client"; done
# The npm clients run in `npm test` too; here again so that the results table has them.
run_jest tributary kafkajs ""
run_jest tributary platformatic ""

if build_java; then JAVA_BUILT=1; fi
if [[ "$JAVA_BUILT" != 1 ]]; then
  record tributary "java (build failed)" 1 0 0
elif start_tributary "$LOG_DIR/tributary-java-broker.log"; then
  run_java tributary "$TRIBUTARY_BOOTSTRAP"
  stop_tributary
else
  stop_tributary
  record tributary "java (Tributary start)" 1 0 0
fi

if [[ "${SKIP_REFERENCE:-0}" != 1 ]]; then
  stop_reference() { "$HERE/reference-kafka/kafka.sh" stop >/dev/null 2>&1 || true; }
  trap 'stop_reference; stop_tributary' EXIT
  # A random free port rather than kafka.sh's first free one from 39092, where other reference
  # brokers on this machine start too; one retry covers a port taken in between.
  start_reference() {
    local attempt port
    for attempt in 1 2; do
      "$HERE/reference-kafka/kafka.sh" stop >/dev/null 2>&1 || true
      port="${REF_KAFKA_PORT:-$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
      if "$HERE/reference-kafka/kafka.sh" start --port "$port"; then return 0; fi
      say "reference Kafka did not start (attempt $attempt)"
    done
    return 1
  }
  if bootstrap="$(start_reference)"; then
    say "reference Kafka $("$HERE/reference-kafka/kafka.sh" version) at $bootstrap"
    for client in "${PY_CLIENTS[@]}"; do run_pytest kafka "$client" "$bootstrap"; done
    run_jest kafka kafkajs "$bootstrap"
    run_jest kafka platformatic "$bootstrap"
    run_java kafka "$bootstrap"
  else
    record kafka "(reference Kafka start)" 1 0 0
  fi
else
  say "SKIP_REFERENCE=1: not running against the reference Kafka"
fi

echo
echo "== compat suite (wider): per client (logs in $LOG_DIR)"
printf '%s\n' "${SUMMARY[@]}"
# The compatibility table (client × scenario × broker) generated from this run's results.
if ! (cd "$ROOT" && npx tsx compat-tests/compat-table.ts "$RESULTS_RAW"); then
  say "could not generate the compatibility table from $RESULTS_RAW"
fi
echo "wider: $TOTAL_PASSED passed, $TOTAL_FAILED failed"
exit $(( FAILED_STEPS > 0 ? 1 : 0 ))
