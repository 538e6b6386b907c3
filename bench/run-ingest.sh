#!/usr/bin/env bash
# Ingest benchmark: the vault against a plain HAPI JPA server, same Synthea bundles, same PostgreSQL, same JVM flags.
#
#   bench/run-ingest.sh [patients]          (default 8: about 7 minutes on 2 shared cores)
#
# Servers: a  = the vault, default settings (base-R4 request validation on)
#          a' = the vault with VAULT_FHIR_VALIDATE_REQUESTS=false
#          b  = bench/plain-hapi, HAPI JPA 8.8.0 with HAPI's defaults
# For each: fresh database on 127.0.0.1:5432, start (process start -> GET /fhir/metadata 200), RSS after start,
# sequential POSTs of hospital, practitioner, then patient transaction bundles, stop, drop the database.
# Appends one row to docs/benchmarks-ingest.md. Bulk data stays under bench/out/ (gitignored).
#
# Environment (all optional):
#   BENCH_JVM_FLAGS      JVM flags for every server            (default "-Xms1g -Xmx2g")
#   BENCH_ROUNDS         rounds; round 2 runs the servers in reverse order and figures are averaged (default 1)
#   BENCH_SYNTHEA_AGES   Synthea -a age range                  (default 0-64, see docs/benchmarks-ingest.md)
#   BENCH_DOC            where the row goes                    (default docs/benchmarks-ingest.md)
#   BENCH_PORT_BASE      first of three ports                  (default 18480)
#   BENCH_PG_HOST/PORT   PostgreSQL                            (default 127.0.0.1 / 5432, user postgres, trust auth)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PATIENTS="${1:-8}"
[[ "$PATIENTS" =~ ^[1-9][0-9]*$ ]] || { echo "usage: bench/run-ingest.sh [patients]  (a positive integer)" >&2; exit 2; }
SEED=42
AGES="${BENCH_SYNTHEA_AGES:-0-64}"
JVM_FLAGS="${BENCH_JVM_FLAGS:--Xms1g -Xmx2g}"
ROUNDS="${BENCH_ROUNDS:-1}"
PORT_BASE="${BENCH_PORT_BASE:-18480}"
PG_HOST="${BENCH_PG_HOST:-127.0.0.1}"
PG_PORT="${BENCH_PG_PORT:-5432}"
OUT="$ROOT/bench/out"
RUN_ID="$(date -u +%Y%m%dT%H%M%SZ)"
RUN_DIR="$OUT/runs/$RUN_ID"
mkdir -p "$OUT/jars" "$RUN_DIR" "$OUT/logs"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres)

log() { printf '[bench %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"
log "run $RUN_ID, $PATIENTS patients, load average at start: $LOAD_START"

# --- cleanup: only what this script started -----------------------------------------------------------------------
SERVER_PID=""
CURRENT_DB=""
cleanup() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 1; done
    kill -9 "$SERVER_PID" 2>/dev/null || true
  fi
  if [[ -n "$CURRENT_DB" ]]; then
    "${PSQL[@]}" -c "DROP DATABASE IF EXISTS $CURRENT_DB WITH (FORCE)" >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

# --- 1. build what is needed ---------------------------------------------------------------------------------------
# A jar is rebuilt when any pom or source file of its project is newer than it.
stale() { # jar, dirs...
  local jar="$1"; shift
  [[ ! -f "$jar" ]] && return 0
  [[ -n "$(find "$@" \( -name pom.xml -o -path '*/src/main/*' \) -type f -newer "$jar" -print -quit 2>/dev/null)" ]]
}
VAULT_JAR="$ROOT/vault-api/target/vault-api.jar"
PLAIN_JAR="$ROOT/bench/plain-hapi/target/plain-hapi.jar"
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
if stale "$VAULT_JAR" pom.xml fhir-mapping consent storage mobile-api web vault-api; then
  log "building the vault (mvn -DskipTests package, offline first)"
  mvn_resolving -DskipTests package
fi
if stale "$PLAIN_JAR" bench/plain-hapi; then
  log "building bench/plain-hapi (offline first)"
  mvn_resolving -f bench/plain-hapi/pom.xml -DskipTests package
fi
# Hard links under distinct names: the benchmark's servers are not mistaken for someone else's vault-api.jar, and a
# rebuild of vault-api/target during the run does not change the jar being measured.
ln -f "$VAULT_JAR" "$OUT/jars/pvbench-vault.jar"
ln -f "$PLAIN_JAR" "$OUT/jars/pvbench-plain-hapi.jar"

# --- 2. Synthea data, generated once per seed, size and age range --------------------------------------------------
SYN_DIR="$OUT/synthea/s${SEED}-p${PATIENTS}-a${AGES}"
if [[ ! -f "$SYN_DIR/.complete" ]]; then
  if [[ ! -s "$OUT/synthea-cp.txt" || "$ROOT/bench/synthea/pom.xml" -nt "$OUT/synthea-cp.txt" ]]; then
    log "resolving Synthea's classpath"
    mvn_resolving -f bench/synthea/pom.xml dependency:build-classpath -Dmdep.outputFile="$OUT/synthea-cp.txt"
  fi
  log "generating $PATIENTS Synthea patients (seed $SEED, ages $AGES) into $SYN_DIR"
  rm -rf "$SYN_DIR"; mkdir -p "$SYN_DIR"
  # Synthea's defaults export FHIR R4 transaction bundles plus hospital and practitioner information bundles.
  (cd "$SYN_DIR" && nice -n 5 java -Xmx1g -cp "$(cat "$OUT/synthea-cp.txt")" App \
      -p "$PATIENTS" -s "$SEED" -cs "$SEED" -a "$AGES" \
      --exporter.baseDirectory=./ --exporter.fhir.transaction_bundle=true \
      --exporter.hospital.fhir.export=true --exporter.practitioner.fhir.export=true > synthea.log 2>&1)
  touch "$SYN_DIR/.complete"
fi
# The vault takes ImagingStudy only from DICOM (STOW-RS), never through /fhir (422): every server gets the bundles
# without Synthea's ImagingStudy entries and the Provenance targets naming them (bench/driver/prepare.py).
READY="$SYN_DIR/vault-ready"
if [[ ! -f "$READY/.complete" || "$ROOT/bench/driver/prepare.py" -nt "$READY/.complete" ]]; then
  rm -rf "$READY"
  python3 bench/driver/prepare.py --in "$SYN_DIR/fhir" --out "$READY"
  touch "$READY/.complete"
fi
PLAN="$RUN_DIR/plan.tsv"
{
  for f in "$READY"/hospitalInformation*.json; do printf 'hospital\t%s\n' "$f"; done
  for f in "$READY"/practitionerInformation*.json; do printf 'practitioner\t%s\n' "$f"; done
  find "$READY" -maxdepth 1 -name '*.json' ! -name 'hospitalInformation*' ! -name 'practitionerInformation*' \
    | LC_ALL=C sort | while read -r f; do printf 'patient\t%s\n' "$f"; done
} > "$PLAN"
# Every server then reads the bundles from the page cache, the first one included.
cut -f2 "$PLAN" | xargs cat > /dev/null

# --- 3. the servers ------------------------------------------------------------------------------------------------
"${PSQL[@]}" -c "SELECT 1" >/dev/null || { echo "PostgreSQL is not reachable on $PG_HOST:$PG_PORT" >&2; exit 1; }

run_server() { # key label round
  local key="$1" label="$2" round="$3" port db dir pid since start_s rss_kb
  case "$key" in a) port=$PORT_BASE ;; a2) port=$((PORT_BASE + 1)) ;; b) port=$((PORT_BASE + 2)) ;; esac
  db="pvbench_${key}_$(date -u +%H%M%S)_$$"
  dir="$RUN_DIR/$key-r$round"
  mkdir -p "$dir/data"
  "${PSQL[@]}" -c "CREATE DATABASE $db" >/dev/null
  CURRENT_DB="$db"
  local url="jdbc:postgresql://$PG_HOST:$PG_PORT/$db"
  log "$label (round $round): starting on port $port, database $db"
  since="$(date +%s.%N)"
  # shellcheck disable=SC2086  # JVM_FLAGS is a list of flags
  case "$key" in
    a)  env VAULT_DB_URL="$url" VAULT_DB_USERNAME=postgres VAULT_PORT="$port" VAULT_DATA_DIR="$dir/data" \
          java $JVM_FLAGS -jar "$OUT/jars/pvbench-vault.jar" > "$dir/server.log" 2>&1 & ;;
    a2) env VAULT_DB_URL="$url" VAULT_DB_USERNAME=postgres VAULT_PORT="$port" VAULT_DATA_DIR="$dir/data" \
          VAULT_FHIR_VALIDATE_REQUESTS=false \
          java $JVM_FLAGS -jar "$OUT/jars/pvbench-vault.jar" > "$dir/server.log" 2>&1 & ;;
    b)  env PLAIN_HAPI_DB_URL="$url" PLAIN_HAPI_DB_USERNAME=postgres PLAIN_HAPI_PORT="$port" \
          java $JVM_FLAGS -jar "$OUT/jars/pvbench-plain-hapi.jar" > "$dir/server.log" 2>&1 & ;;
  esac
  pid=$!
  SERVER_PID="$pid"
  if ! start_s="$(python3 bench/driver/ingest.py --base "http://127.0.0.1:$port" --wait-ready \
                   --since "$since" --pid "$pid" --timeout 600)"; then
    log "$label did not start; see $dir/server.log"
    echo "{\"label\": \"$label\", \"start_failed\": true}" > "$dir/result.json"
  else
    rss_kb="$(ps -o rss= -p "$pid" | tr -d ' ')"
    log "$label up in ${start_s}s, RSS $((rss_kb / 1024)) MB; ingesting"
    python3 bench/driver/ingest.py --base "http://127.0.0.1:$port" --files "$PLAN" --label "$label" \
      --result "$dir/ingest.json" --failures "$OUT/failures-$label.txt" 2> "$dir/ingest.log" > /dev/null
    python3 - "$dir" "$start_s" "$rss_kb" <<'PY'
import json, sys
d, start_s, rss_kb = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
r = json.load(open(f"{d}/ingest.json"))
r.update(start_seconds=start_s, rss_mb=round(rss_kb / 1024))
json.dump(r, open(f"{d}/result.json", "w"), indent=1)
PY
    log "$label: $(python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print(r['resources_per_second'], 'resources/s,', r['failed_bundles'], 'failed bundles')" "$dir/result.json")"
  fi
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  SERVER_PID=""
  "${PSQL[@]}" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null
  CURRENT_DB=""
  rm -rf "$dir/data"
}

# The order rotates from run to run (by the number of rows already recorded) so that no server is always first or
# last; a second round runs the servers in reverse order.
DOC="${BENCH_DOC:-$ROOT/docs/benchmarks-ingest.md}"
ROWS=$(grep -c '^| 20' "$DOC" 2>/dev/null || true)
ORDERS=("a a2 b" "a2 b a" "b a a2")
ORDER="${ORDERS[$(( ${ROWS:-0} % 3 ))]}"
declare -A LABEL=([a]=vault [a2]=vault-novalidate [b]=plain-hapi)
for round in $(seq 1 "$ROUNDS"); do
  keys="$ORDER"
  (( round % 2 == 0 )) && keys="$(echo "$ORDER" | tr ' ' '\n' | tac | tr '\n' ' ')"
  for key in $keys; do run_server "$key" "${LABEL[$key]}" "$round"; done
done

LOAD_END="$(cut -d' ' -f1-3 /proc/loadavg)"
log "load average at end: $LOAD_END"

# --- 4. results -----------------------------------------------------------------------------------------------------
python3 bench/driver/report.py --run-dir "$RUN_DIR" --doc "$DOC" --plan "$PLAN" --patients "$PATIENTS" \
  --ages "$AGES" --seed "$SEED" --jvm-flags "$JVM_FLAGS" --order "$ORDER" --rounds "$ROUNDS" \
  --load-start "$LOAD_START" --load-end "$LOAD_END" --commit "$(git rev-parse --short HEAD)"
log "results appended to $DOC; raw figures in $RUN_DIR"
