#!/usr/bin/env bash
# Cohort-export benchmark (issue 17, Performance): the vault's de-identified cohort export against HAPI's own bulk
# $export of the same resources, in the same run, interleaved; then the vault's heap while it exports >= 1 GiB of DICOM.
#
#   bench/cohort/run.sh            (about 10-15 minutes on 2 shared cores; needs Keycloak: scripts/keycloak.sh status)
#
# 1. Builds vault-api.jar and bench/plain-hapi if stale; compiles BenchVault (the vault jar started through Boot's
#    PropertiesLauncher plus a loopback-only endpoint that writes research Consents as the system, as CohortE2EIT does:
#    over /fhir only a patient may write her own Consent, and generated patients have no login).
# 2. Starts the vault (every feature on: defaults, Keycloak as issuer, embedded S3Proxy, a fresh PostgreSQL database)
#    and plain HAPI JPA 8.8.0 with PLAIN_HAPI_BULK_EXPORT=true (fresh database), both with the same JVM flags. HAPI's
#    export is a gated batch2 job that moves to its next step only in a maintenance pass, which HAPI schedules once a
#    minute; PLAIN_HAPI_BATCH_MAINTENANCE_MILLIS=500 triggers one every 0.5 s, so HAPI is measured by its work, not by
#    minutes of waiting (COHORT_HAPI_MAINTENANCE_MS=0 measures HAPI's default schedule instead).
# 3. Loads COHORT_PATIENTS patients (Patient + COHORT_OBS lab Observations + one 1-instance CT study) into both: the
#    vault by transaction bundles and STOW-RS, HAPI by the same bundles plus an equivalent ImagingStudy.
# 4. COHORT_ROUNDS rounds, alternating who goes first: vault cohort export (kick-off -> manifest -> every NDJSON file)
#    vs HAPI Patient/$export?_type=Patient,Observation,ImagingStudy (kick-off -> complete -> every NDJSON file).
# 5. Stops HAPI, loads COHORT_HEAP_PATIENTS patients with studies of COHORT_HEAP_INSTANCES x 512 KiB instances into the
#    vault and exports that cohort while sampling its heap (full GC every 3 s, GC log; jstat every second).
# Prints the rows for docs/benchmarks.md; raw JSON under bench/cohort/target/<run>/.
#
# Environment (optional): COHORT_PATIENTS (40), COHORT_OBS (50), COHORT_ROUNDS (3), COHORT_HEAP_PATIENTS (21),
#   COHORT_HEAP_INSTANCES (100; 21 x 100 x 512 KiB = 1050 MiB), COHORT_JVM_FLAGS ("-Xmx1g"), COHORT_SKIP_HEAP (unset),
#   COHORT_HAPI_MAINTENANCE_MS (500),
#   VAULT_OIDC_ISSUER (http://127.0.0.1:18080/realms/vault)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
PATIENTS="${COHORT_PATIENTS:-40}"
OBS="${COHORT_OBS:-50}"
ROUNDS="${COHORT_ROUNDS:-3}"
HEAP_PATIENTS="${COHORT_HEAP_PATIENTS:-21}"
HEAP_INSTANCES="${COHORT_HEAP_INSTANCES:-100}"
JVM_FLAGS="${COHORT_JVM_FLAGS:--Xmx1g}"
HAPI_MAINTENANCE_MS="${COHORT_HAPI_MAINTENANCE_MS:-500}"
export VAULT_OIDC_ISSUER="${VAULT_OIDC_ISSUER:-http://127.0.0.1:18080/realms/vault}"
RUN_ID="$(date -u +%Y%m%dT%H%M%SZ)"
OUT="$ROOT/bench/cohort/target"
DIR="$OUT/$RUN_ID"
mkdir -p "$DIR" "$OUT/classes"
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p 5432 -U postgres -d postgres)
log() { printf '[cohort-bench %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"
log "run $RUN_ID; load average at start: $LOAD_START"

curl -fs "$VAULT_OIDC_ISSUER/.well-known/openid-configuration" > /dev/null \
  || { echo "the issuer $VAULT_OIDC_ISSUER does not answer (scripts/keycloak.sh status)" >&2; exit 1; }
"${PSQL[@]}" -c "SELECT 1" > /dev/null

# --- build ----------------------------------------------------------------------------------------------------------
stale() { local jar="$1"; shift; [[ ! -f "$jar" ]] && return 0
  [[ -n "$(find "$@" \( -name pom.xml -o -path '*/src/main/*' \) -type f -newer "$jar" -print -quit 2>/dev/null)" ]]; }
VAULT_JAR="$ROOT/vault-api/target/vault-api.jar"
PLAIN_JAR="$ROOT/bench/plain-hapi/target/plain-hapi.jar"
if stale "$VAULT_JAR" pom.xml fhir-mapping consent storage mobile-api web vault-api; then
  log "building the vault"; nice -n 5 mvn -B -o -q -pl vault-api -am -DskipTests package
fi
if stale "$PLAIN_JAR" bench/plain-hapi; then
  log "building bench/plain-hapi"; nice -n 5 mvn -B -o -q -f bench/plain-hapi/pom.xml -DskipTests package
fi
# Copies under distinct names: a rebuild during the run does not change what is measured.
cp "$VAULT_JAR" "$OUT/pvcohort-vault.jar"
cp "$PLAIN_JAR" "$OUT/pvcohort-plain-hapi.jar"
rm -rf "$OUT/lib" && mkdir -p "$OUT/lib" && (cd "$OUT/lib" && unzip -q "$OUT/pvcohort-vault.jar" 'BOOT-INF/*')
javac -d "$OUT/classes" -cp "$OUT/lib/BOOT-INF/classes:$OUT/lib/BOOT-INF/lib/*" \
  bench/cohort/src/main/java/org/patientvault/bench/cohort/BenchVault.java
rm -rf "$OUT/lib"
# The driver's DICOM writer, checked against dcmtk.
python3 bench/cohort/driver.py dicom --out "$DIR/check.dcm"
# No grep -q: it exits at the first match and, under pipefail, dcmdump's broken pipe would fail the check.
dcmdump "$DIR/check.dcm" | grep 'CN-RESIDENT-ID' >/dev/null || { echo "driver.py writes DICOM dcmdump cannot read" >&2; exit 1; }

# --- servers --------------------------------------------------------------------------------------------------------
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
VPORT=$(free_port); HPORT=$(free_port); CPORT=$(free_port)
VDB="pvcohort_vault_$$"; HDB="pvcohort_hapi_$$"
VPID=""; HPID=""
cleanup() {
  for p in $VPID $HPID; do kill "$p" 2>/dev/null || true; done
  for p in $VPID $HPID; do for _ in $(seq 1 60); do kill -0 "$p" 2>/dev/null || break; sleep 1; done; kill -9 "$p" 2>/dev/null || true; done
  "${PSQL[@]}" -c "DROP DATABASE IF EXISTS $VDB WITH (FORCE)" > /dev/null 2>&1 || true
  "${PSQL[@]}" -c "DROP DATABASE IF EXISTS $HDB WITH (FORCE)" > /dev/null 2>&1 || true
  rm -rf "$DIR/vault-data"
}
trap cleanup EXIT
"${PSQL[@]}" -c "CREATE DATABASE $VDB" -c "CREATE DATABASE $HDB"
mkdir -p "$DIR/vault-data"
# shellcheck disable=SC2086  # JVM_FLAGS is a list of flags
env VAULT_DB_URL="jdbc:postgresql://127.0.0.1:5432/$VDB" VAULT_DB_USERNAME=postgres VAULT_PORT="$VPORT" \
    VAULT_DATA_DIR="$DIR/vault-data" \
  java $JVM_FLAGS -Xlog:gc:file="$DIR/vault-gc.log":uptime -Dpvbench.control-port="$CPORT" \
    -Dloader.path="$OUT/classes" -Dloader.main=org.patientvault.bench.cohort.BenchVault \
    -cp "$OUT/pvcohort-vault.jar" org.springframework.boot.loader.launch.PropertiesLauncher > "$DIR/vault.log" 2>&1 &
VPID=$!
# shellcheck disable=SC2086
env PLAIN_HAPI_DB_URL="jdbc:postgresql://127.0.0.1:5432/$HDB" PLAIN_HAPI_DB_USERNAME=postgres PLAIN_HAPI_PORT="$HPORT" \
    PLAIN_HAPI_BULK_EXPORT=true PLAIN_HAPI_BATCH_MAINTENANCE_MILLIS="$HAPI_MAINTENANCE_MS" \
  java $JVM_FLAGS -jar "$OUT/pvcohort-plain-hapi.jar" > "$DIR/hapi.log" 2>&1 &
HPID=$!
wait_up() { # url pid name
  for _ in $(seq 1 600); do
    kill -0 "$2" 2>/dev/null || { echo "$3 died; see $DIR" >&2; exit 1; }
    curl -fs -o /dev/null "$1" && return 0; sleep 1
  done; echo "$3 did not start" >&2; exit 1; }
wait_up "http://127.0.0.1:$VPORT/actuator/health" "$VPID" vault
wait_up "http://127.0.0.1:$HPORT/fhir/metadata" "$HPID" "plain HAPI"
for _ in $(seq 1 30); do (exec 3<>/dev/tcp/127.0.0.1/$CPORT) 2>/dev/null && break; sleep 1; done
log "vault on $VPORT (pid $VPID), plain HAPI on $HPORT (pid $HPID)"

D=(python3 bench/cohort/driver.py)
"${D[@]}" load --vault "http://127.0.0.1:$VPORT" --control "http://127.0.0.1:$CPORT" --hapi "http://127.0.0.1:$HPORT" \
  --kind throughput --patients "$PATIENTS" --obs "$OBS" --instances 1 --rows 8 --out "$DIR/load.json"
"${D[@]}" measure --vault "http://127.0.0.1:$VPORT" --hapi "http://127.0.0.1:$HPORT" --rounds "$ROUNDS" \
  --pid "$VPID" --jfr "$DIR/vault-export.jfr" --out "$DIR/measure.json"
LOAD_AFTER_MEASURE="$(cut -d' ' -f1-3 /proc/loadavg)"
kill "$HPID"; wait "$HPID" 2>/dev/null || true; HPID=""

if [[ -z "${COHORT_SKIP_HEAP:-}" ]]; then
  "${D[@]}" load --vault "http://127.0.0.1:$VPORT" --control "http://127.0.0.1:$CPORT" --kind heap \
    --patients "$HEAP_PATIENTS" --obs 1 --instances "$HEAP_INSTANCES" --rows 512 --out "$DIR/heap-load.json"
  "${D[@]}" heap --vault "http://127.0.0.1:$VPORT" --pid "$VPID" --gc-log "$DIR/vault-gc.log" --out "$DIR/heap.json"
fi

# --- report ---------------------------------------------------------------------------------------------------------
python3 - "$DIR" "$RUN_ID" "$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- vault-api bench/cohort bench/plain-hapi || echo '+dirty')" \
  "$LOAD_START" "$LOAD_AFTER_MEASURE" "$JVM_FLAGS" <<'PY'
import json, os, statistics, sys
d, run, commit, load0, load1, flags = sys.argv[1:]
m = json.load(open(f"{d}/measure.json"))
l = json.load(open(f"{d}/load.json"))
v = [r for r in m["rows"] if r["label"] == "vault"]
h = [r for r in m["rows"] if r["label"] == "hapi"]
vm = statistics.median(r["resources_per_second"] for r in v)
hm = statistics.median(r["resources_per_second"] for r in h)
date = f"{run[0:4]}-{run[4:6]}-{run[6:8]} {run[9:11]}:{run[11:13]}"
machine = f"{os.cpu_count()} cores"
print(f"\ndata: {l['patients']} patients x (1 Patient + {l['observations_per_patient']} Observations + 1 CT study of 1 instance); JVM {flags}")
print("per round (resources, seconds, manifest after s, resources/s):")
for r in m["rows"]:
    print(f"  round {r['round']} {r['label']:5} {r['resources']:5d} {r['counts']} {r['seconds']:7.2f} s  manifest {r['build_seconds']:6.2f} s  {r['resources_per_second']:7.1f}/s")
print()
print("| date (UTC) | commit | machine | load (start / after) | vault cohort export resources/s (median of "
      f"{len(v)}; per round) | HAPI bulk $export resources/s (median of {len(h)}; per round) | ratio |")
print("|---|---|---|---|---|---|---|")
print(f"| {date} | {commit} | {machine} | {load0.split()[0]} / {load1.split()[0]} | {vm:.0f} ({', '.join(str(round(r['resources_per_second'])) for r in v)})"
      f" | {hm:.0f} ({', '.join(str(round(r['resources_per_second'])) for r in h)}) | **{vm / hm:.2f}×** |")
if os.path.exists(f"{d}/heap.json"):
    x = json.load(open(f"{d}/heap.json"))
    print(f"\nheap: {json.dumps(x)}")
    print("\n| date (UTC) | commit | -Xmx | cohort | DICOM exported | build s | live heap before | live heap during build (min-max, full GCs) | used incl. garbage, max |")
    print("|---|---|---|---|---|---|---|---|---|")
    print(f"| {date} | {commit} | {flags} | {x['patients']} patients, {sum(x['counts'].values())} resources | {x['dicom_files']} files, {x['dicom_bytes'] / 1048576:.0f} MiB |"
          f" {x['build_seconds']:.0f} | {x['live_before_mib']} MiB | {x['live_during_min_mib']}-{x['live_during_max_mib']} MiB ({x['full_gcs_during']}) | {x['used_incl_garbage_max_mib']} MiB |")
PY
log "done; raw results in $DIR"
