#!/usr/bin/env bash
# mobile-api benchmark (issue #15, "Performance"): the patient app's reads against plain HAPI on the same data.
#
#   bench/mobile/run.sh [patients]        (default 50; the first run loads for about 30-40 minutes, later runs reuse)
#
# 1. Synthea, seed 42 (bench/run-ingest.sh's data set), made acceptable to the vault (bench/driver/prepare.py: no
#    ImagingStudy through /fhir). Two patients get the demo accounts' resident IDs, so the vault links the logins to
#    them: alice -> the median patient by record count, bob -> the largest.
# 2. Loaded once into the vault (every feature on: dev-issuer tokens, authorization, consent, audit, linking,
#    terminology, quality, validation, Provenance; objects in a separate S3Proxy process) and into bench/plain-hapi
#    (HAPI JPA 8.8.0, defaults), each on its own PostgreSQL database. The databases, the vault's data dir and the S3
#    store are kept under bench/out/mobile/ and reused while the data set is the same (BENCH_MOBILE_RELOAD=1 reloads).
# 3. Measured with both servers up, requests interleaved (bench/mobile/measure.py):
#    - timeline first page (GET /mobile/v1/timeline, the patient's own token) vs plain HAPI
#      GET /fhir/Patient/<id>/$everything (its first page, server defaults), same patient, p50/p95;
#    - export (POST /mobile/v1/exports -> poll -> download) bytes/s vs raw MinIO-SDK GETs of the same bytes from the
#      same S3 server (bench/mobile/src RawReads, the storage benchmark's client setup).
# 4. Appends rows to docs/benchmarks.md (section "mobile-api"), with the load average before and after.
#
# Environment (all optional): BENCH_JVM_FLAGS (default "-Xms1g -Xmx2g"), BENCH_SAMPLES (timeline requests per
# server, default 200), BENCH_EXPORTS (default 5), BENCH_PORT_BASE (default 18580: vault, HAPI, S3), BENCH_SKIP_BUILD=1
# (use the jars under bench/out/jars as they are), BENCH_MOBILE_STOP_AFTER=load, BENCH_DOC.
set -euo pipefail
# The whole script is one function, read before it runs: editing the file during a run cannot change that run.
main() {

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
PATIENTS="${1:-50}"
[[ "$PATIENTS" =~ ^[1-9][0-9]*$ ]] || { echo "usage: bench/mobile/run.sh [patients]" >&2; exit 2; }
SEED=42
AGES="${BENCH_SYNTHEA_AGES:-0-64}"
JVM_FLAGS="${BENCH_JVM_FLAGS:--Xms1g -Xmx2g}"
PORT_BASE="${BENCH_PORT_BASE:-18580}"
VAULT_PORT=$PORT_BASE; HAPI_PORT=$((PORT_BASE + 1)); S3_PORT=$((PORT_BASE + 2))
PG=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p 5432 -U postgres -d postgres)
OUT="$ROOT/bench/out"
SET="s${SEED}-p${PATIENTS}-a${AGES}"
M="$OUT/mobile/$SET"
DB_VAULT="pvbench_mobile_vault_s${SEED}p${PATIENTS}"
DB_HAPI="pvbench_mobile_hapi_s${SEED}p${PATIENTS}"
mkdir -p "$OUT/jars" "$M/logs"
log() { printf '[mobile-bench %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"
log "data set $SET, load average at start: $LOAD_START"

PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do
    for _ in $(seq 1 60); do kill -0 "$p" 2>/dev/null || break; sleep 1; done
    kill -9 "$p" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'exit 143' TERM INT

# --- 1. jars, Synthea, prepared bundles ---------------------------------------------------------------------------
stale() { local jar="$1"; shift; [[ ! -f "$jar" ]] && return 0
  [[ -n "$(find "$@" \( -name pom.xml -o -path '*/src/main/*' \) -type f -newer "$jar" -print -quit 2>/dev/null)" ]]; }
if [[ "${BENCH_SKIP_BUILD:-}" != 1 ]]; then
  if stale vault-api/target/vault-api.jar pom.xml fhir-mapping consent storage mobile-api web vault-api; then
    log "building the vault (offline first)"; mvn_resolving -DskipTests package
  fi
  if stale bench/plain-hapi/target/plain-hapi.jar bench/plain-hapi; then
    log "building bench/plain-hapi (offline first)"; mvn_resolving -f bench/plain-hapi/pom.xml -DskipTests package
  fi
  # Copies, not hard links: a build in this tree rewrites target/*.jar in place, which broke a running load.
  cp vault-api/target/vault-api.jar "$OUT/jars/pvbench-mobile-vault.jar"
  cp bench/plain-hapi/target/plain-hapi.jar "$OUT/jars/pvbench-mobile-plain-hapi.jar"
fi
S3PROXY_JAR="$OUT/jars/s3proxy-jar-with-dependencies.jar"
if [[ ! -f "$S3PROXY_JAR" ]]; then
  mvn_resolving dependency:copy -Dartifact=org.gaul:s3proxy:4.1.0:jar:jar-with-dependencies \
    -DoutputDirectory="$OUT/jars" -Dmdep.stripVersion=true
fi
SYN_DIR="$OUT/synthea/$SET"
if [[ ! -f "$SYN_DIR/.complete" ]]; then
  if [[ ! -s "$OUT/synthea-cp.txt" ]]; then
    mvn_resolving -f bench/synthea/pom.xml dependency:build-classpath -Dmdep.outputFile="$OUT/synthea-cp.txt"
  fi
  log "generating $PATIENTS Synthea patients (seed $SEED, ages $AGES)"
  rm -rf "$SYN_DIR"; mkdir -p "$SYN_DIR"
  (cd "$SYN_DIR" && nice -n 5 java -Xmx1g -cp "$(cat "$OUT/synthea-cp.txt")" App -p "$PATIENTS" -s "$SEED" \
      -cs "$SEED" -a "$AGES" --exporter.baseDirectory=./ --exporter.fhir.transaction_bundle=true \
      --exporter.hospital.fhir.export=true --exporter.practitioner.fhir.export=true > synthea.log 2>&1)
  touch "$SYN_DIR/.complete"
fi
# alice -> the median patient bundle by entries, bob -> the largest (ties by name): fixed by the data set alone.
read -r ALICE_FILE BOB_FILE < <(python3 - "$SYN_DIR/fhir" <<'PY'
import json, os, sys
d = sys.argv[1]
rows = sorted((len(json.load(open(os.path.join(d, f))).get("entry", [])), f) for f in os.listdir(d)
              if f.endswith(".json") and not f.startswith(("hospitalInformation", "practitionerInformation")))
print(rows[len(rows) // 2][1], rows[-1][1])
PY
)
READY="$SYN_DIR/mobile-ready"
if [[ ! -f "$READY/.complete" || bench/driver/prepare.py -nt "$READY/.complete" ]]; then
  rm -rf "$READY"
  python3 bench/driver/prepare.py --in "$SYN_DIR/fhir" --out "$READY" \
    --resident-id "$ALICE_FILE=110101198503120025" --resident-id "$BOB_FILE=310104197809210017"
  touch "$READY/.complete"
fi
PLAN="$M/plan.tsv"
{
  for f in "$READY"/hospitalInformation*.json; do printf 'hospital\t%s\n' "$f"; done
  for f in "$READY"/practitionerInformation*.json; do printf 'practitioner\t%s\n' "$f"; done
  find "$READY" -maxdepth 1 -name '*.json' ! -name 'hospitalInformation*' ! -name 'practitionerInformation*' \
    | LC_ALL=C sort | while read -r f; do printf 'patient\t%s\n' "$f"; done
} > "$PLAN"

# --- 2. servers (and the load, once) --------------------------------------------------------------------------------
"${PG[@]}" -c "SELECT 1" > /dev/null
LOADED=1
[[ -f "$M/loaded" && "${BENCH_MOBILE_RELOAD:-}" != 1 ]] || LOADED=0
if [[ $LOADED == 0 ]]; then
  log "fresh databases $DB_VAULT, $DB_HAPI and object store"
  for db in "$DB_VAULT" "$DB_HAPI"; do
    "${PG[@]}" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" > /dev/null
  done
  rm -rf "$M/vault-data" "$M/s3" "$M/loaded" "$M"/stowed-*
fi
mkdir -p "$M/vault-data" "$M/s3"
cat > "$M/s3proxy.properties" <<PROPS
s3proxy.endpoint=http://127.0.0.1:$S3_PORT
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=bench-access
s3proxy.credential=bench-secret-123
jclouds.provider=filesystem-nio2
jclouds.identity=bench-access
jclouds.credential=bench-secret-123
jclouds.filesystem.basedir=$M/s3
PROPS
java -Xmx512m -jar "$S3PROXY_JAR" --properties "$M/s3proxy.properties" > "$M/logs/s3proxy.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/$S3_PORT) 2>/dev/null && break; sleep 0.2; done
# The vault: every feature on, except while loading (BENCH_MOBILE_LOAD_VALIDATE, default false): base-R4 request
# validation makes the vault's ingest about 5x slower (docs/benchmarks-ingest.md) and stored data do not depend on it
# (these bundles pass it: bench/run-ingest.sh loads them with it on). The vault is restarted with it on to measure.
VAULT_PID=""
start_vault() { # validate
  local since; since="$(date +%s.%N)"
  # shellcheck disable=SC2086  # JVM_FLAGS is a list of flags
  env VAULT_DB_URL="jdbc:postgresql://127.0.0.1:5432/$DB_VAULT" VAULT_DB_USERNAME=postgres VAULT_PORT="$VAULT_PORT" \
      VAULT_DATA_DIR="$M/vault-data" VAULT_S3_ENDPOINT="http://127.0.0.1:$S3_PORT" VAULT_S3_ACCESS_KEY=bench-access \
      VAULT_S3_SECRET_KEY=bench-secret-123 VAULT_S3_BUCKET=vault VAULT_FHIR_VALIDATE_REQUESTS="$1" \
      java $JVM_FLAGS ${BENCH_VAULT_EXTRA_FLAGS:-} -jar "$OUT/jars/pvbench-mobile-vault.jar" \
      >> "$M/logs/vault.log" 2>&1 &
  VAULT_PID=$!; PIDS+=($VAULT_PID)
  echo "$1" > "$M/vault-validate"
  python3 bench/driver/ingest.py --base "http://127.0.0.1:$VAULT_PORT" --wait-ready --since "$since" \
    --pid "$VAULT_PID" --timeout 900 > /dev/null || { log "the vault did not start: $M/logs/vault.log"; exit 1; }
}
stop_pid() {
  kill "$1" 2>/dev/null || true
  for _ in $(seq 1 90); do kill -0 "$1" 2>/dev/null || break; sleep 1; done
  kill -9 "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}
since="$(date +%s.%N)"
# shellcheck disable=SC2086
env PLAIN_HAPI_DB_URL="jdbc:postgresql://127.0.0.1:5432/$DB_HAPI" PLAIN_HAPI_DB_USERNAME=postgres \
    PLAIN_HAPI_PORT="$HAPI_PORT" java $JVM_FLAGS -jar "$OUT/jars/pvbench-mobile-plain-hapi.jar" \
    > "$M/logs/plain-hapi.log" 2>&1 &
HAPI_PID=$!; PIDS+=($HAPI_PID)
if [[ $LOADED == 0 ]]; then start_vault "${BENCH_MOBILE_LOAD_VALIDATE:-false}"; else start_vault true; fi
python3 bench/driver/ingest.py --base "http://127.0.0.1:$HAPI_PORT" --wait-ready --since "$since" --pid "$HAPI_PID" \
  --timeout 900 > /dev/null || { log "plain HAPI did not start: $M/logs/plain-hapi.log"; exit 1; }
log "both servers up (vault pid $VAULT_PID, plain HAPI pid $HAPI_PID)"

if [[ $LOADED == 0 ]]; then
  log "loading $(wc -l < "$PLAN") bundles into both servers (concurrently; ingest speed is not measured here)"
  python3 bench/driver/ingest.py --base "http://127.0.0.1:$VAULT_PORT" --files "$PLAN" --label vault \
    --result "$M/load-vault.json" --failures "$M/load-failures-vault.txt" 2> "$M/logs/load-vault.log" > /dev/null &
  lv=$!
  python3 bench/driver/ingest.py --base "http://127.0.0.1:$HAPI_PORT" --files "$PLAN" --label plain-hapi \
    --result "$M/load-hapi.json" --failures "$M/load-failures-hapi.txt" 2> "$M/logs/load-hapi.log" > /dev/null &
  lh=$!
  wait $lv; wait $lh
  python3 - "$M" <<'PY'
import json, sys
m = sys.argv[1]
for k in ("vault", "hapi"):
    r = json.load(open(f"{m}/load-{k}.json"))
    print(f"[mobile-bench] loaded {k}: {r['bundles']} bundles, {r['resources']} resources, "
          f"{r['failed_bundles']} failed bundles, {r['failed_entries']} failed entries", file=sys.stderr)
    if r["failed_bundles"]:
        sys.exit(f"{k} refused bundles: see {m}/load-failures-{k}.txt")
PY
  touch "$M/loaded"
fi
# Alice's imaging: Synthea's ImagingStudy cannot come through /fhir, so the export's bulk is a dcmtk-made CT study
# (BENCH_EXPORT_STUDY_MB, default 256: 16 MiB instances) sent by STOW-RS as hosp-beijing, Patient ID = her resident ID
# (Issuer of Patient ID CN-RESIDENT-ID), so it lands in her record (docs/imaging.md).
classpaths() {
  local cpf="$OUT/mobile/storage-cp.txt"
  if [[ ! -s "$cpf" || storage/pom.xml -nt "$cpf" ]]; then
    mvn_resolving -pl storage dependency:build-classpath -Dmdep.outputFile="$cpf"
  fi
  mkdir -p "$OUT/mobile/classes"
  javac -d "$OUT/mobile/classes" -cp "$(cat "$cpf")" bench/mobile/src/RawReads.java \
    bench/imaging/src/main/java/org/patientvault/bench/imaging/ImagingBench.java
  BENCH_CP="$OUT/mobile/classes:$(cat "$cpf")"
}
classpaths
STUDY_MB="${BENCH_EXPORT_STUDY_MB:-256}"
if [[ ! -f "$M/stowed-$STUDY_MB" ]]; then
  log "sending alice's CT study ($STUDY_MB MiB) by STOW-RS"
  S="$M/study"; rm -rf "$S"; mkdir -p "$S/files"
  python3 - "$S/px.raw" <<'PY'
import sys
row = bytes((i * 7) & 0xff for i in range(8192))
with open(sys.argv[1], "wb") as f:
    for _ in range(2048):
        f.write(row)
PY
  UID_ROOT="2.25.4242$(date +%s)"
  for i in $(seq 1 $(( STUDY_MB / 16 ))); do
    cat > "$S/d.dump" <<DUMP
(0008,0016) UI =CTImageStorage
(0008,0018) UI [$UID_ROOT.1.$i]
(0008,0020) DA [20261101]
(0008,0060) CS [CT]
(0008,1030) LO [Chest CT (bench)]
(0010,0010) PN [Bench^Alice]
(0010,0020) LO [110101198503120025]
(0010,0021) LO [CN-RESIDENT-ID]
(0020,000d) UI [$UID_ROOT]
(0020,000e) UI [$UID_ROOT.1]
(0020,0011) IS [1]
(0020,0013) IS [$i]
(0028,0002) US 1
(0028,0004) CS [MONOCHROME2]
(0028,0010) US 2048
(0028,0011) US 4096
(0028,0100) US 16
(0028,0101) US 12
(0028,0102) US 11
(0028,0103) US 0
(7fe0,0010) OW =px.raw
DUMP
    (cd "$S" && dump2dcm +te d.dump "files/$(printf 'im%04d.dcm' "$i")")
  done
  java -Xmx256m -cp "$BENCH_CP" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    org.patientvault.bench.imaging.ImagingBench stow "http://127.0.0.1:$VAULT_PORT" "$S/files" "alice's CT" >&2
  rm -rf "$S"
  touch "$M/stowed-$STUDY_MB"
fi
if [[ "$(cat "$M/vault-validate" 2>/dev/null)" != true ]]; then
  if [[ "${BENCH_MOBILE_LOAD_VALIDATE:-false}" != true ]]; then
    log "restarting the vault with request validation on"
    stop_pid "$VAULT_PID"; start_vault true
  fi
fi
[[ "${BENCH_MOBILE_STOP_AFTER:-}" == load ]] && { log "stopping after the load"; exit 0; }

# --- 3. measure -----------------------------------------------------------------------------------------------------
python3 bench/mobile/measure.py --vault "http://127.0.0.1:$VAULT_PORT" --hapi "http://127.0.0.1:$HAPI_PORT" \
  --s3 "http://127.0.0.1:$S3_PORT" --raw-cp "$BENCH_CP" \
  --samples "${BENCH_SAMPLES:-200}" --exports "${BENCH_EXPORTS:-5}" --work "$M" \
  --patients "alice=110101198503120025=$ALICE_FILE" --patients "bob=310104197809210017=$BOB_FILE" \
  --result "$M/result.json"
LOAD_END="$(cut -d' ' -f1-3 /proc/loadavg)"
python3 bench/mobile/report.py --result "$M/result.json" --doc "${BENCH_DOC:-$ROOT/docs/benchmarks.md}" \
  --commit "$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . ':!docs' || echo '+local')" \
  --data-set "$SET" --jvm-flags "$JVM_FLAGS" --load-start "$LOAD_START" --load-end "$LOAD_END"
}
main "$@"
