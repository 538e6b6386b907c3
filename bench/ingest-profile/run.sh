#!/usr/bin/env bash
# One profiled ingest run of the vault: fresh database, start with JFR, POST the plan's bundles, stop, drop the database.
#
#   bench/ingest-profile/run.sh JAR LABEL PLAN OUT_DIR [extra env assignments...]
#     e.g. bench/ingest-profile/run.sh vault-api/target/vault-api.jar before /tmp/ipf/set1/plan.tsv /tmp/ipf/r1
#   then bench/ingest-profile/top-frames.py OUT_DIR/LABEL.jfr
#
# PLAN is prepare.py's plan.tsv. Uses bench/driver/ingest.py for the POSTs. JFR samples every 10 ms (profile
# settings). Environment: PROFILE_PORT (default 18590), PROFILE_JFR=0 to run without JFR, BENCH_JVM_FLAGS.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
JAR="$1"; LABEL="$2"; PLAN="$3"; OUT="$4"; shift 4
PORT="${PROFILE_PORT:-18590}"
JVM_FLAGS="${BENCH_JVM_FLAGS:--Xms1g -Xmx2g}"
mkdir -p "$OUT"
DB="pvprof_${LABEL//[^a-z0-9]/_}_$(date -u +%H%M%S)_$$"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p 5432 -U postgres -d postgres)
"${PSQL[@]}" -c "CREATE DATABASE $DB" >/dev/null
JFR=()
[[ "${PROFILE_JFR:-1}" == 1 ]] && JFR=("-XX:StartFlightRecording=filename=$OUT/$LABEL.jfr,settings=profile,dumponexit=true")
DATA="$(mktemp -d)"
PID=""
cleanup() {
  if [[ -n "$PID" ]] && kill -0 "$PID" 2>/dev/null; then
    kill "$PID"; for _ in $(seq 1 60); do kill -0 "$PID" 2>/dev/null || break; sleep 1; done
    kill -9 "$PID" 2>/dev/null || true
  fi
  "${PSQL[@]}" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$DATA"
}
trap cleanup EXIT
since="$(date +%s.%N)"
# shellcheck disable=SC2086
env VAULT_DB_URL="jdbc:postgresql://127.0.0.1:5432/$DB" VAULT_DB_USERNAME=postgres VAULT_PORT="$PORT" \
    VAULT_DATA_DIR="$DATA" "$@" java $JVM_FLAGS "${JFR[@]}" -jar "$JAR" > "$OUT/$LABEL.server.log" 2>&1 &
PID=$!
python3 "$ROOT/bench/driver/ingest.py" --base "http://127.0.0.1:$PORT" --wait-ready --since "$since" --pid "$PID" \
    --timeout 600 > "$OUT/$LABEL.start"
echo "[$LABEL] up in $(cat "$OUT/$LABEL.start")s, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
python3 "$ROOT/bench/driver/ingest.py" --base "http://127.0.0.1:$PORT" --files "$PLAN" --label "$LABEL" \
    --result "$OUT/$LABEL.json" --failures "$OUT/$LABEL.failures.txt" 2> "$OUT/$LABEL.ingest.log" > /dev/null
python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print(sys.argv[2], r['resources_per_second'], 'resources/s', r['patient_resources_ok'], 'resources in', round(r['patient_seconds'],1), 's,', r['failed_bundles'], 'failed bundles')" "$OUT/$LABEL.json" "$LABEL"
echo "[$LABEL] load at end $(cut -d' ' -f1-3 /proc/loadavg)" >&2
