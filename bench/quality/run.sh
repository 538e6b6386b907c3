#!/usr/bin/env bash
# Data-quality overhead in the ingest path: the same checkup transactions posted sequentially to two vaults, one with
# scoring on (VAULT_QUALITY_ENABLED=true) and one with it off, each on a fresh PostgreSQL database, same JVM flags,
# in alternating rounds after a common warm-up. Writes a row to docs/benchmarks-quality.md.
#
#   bench/quality/run.sh            # from the repository root; BENCH_BUNDLES (300), BENCH_ROUNDS (6), BENCH_WARMUP (20)
#
# Needs: java 17, python3, psql, and PostgreSQL at 127.0.0.1:5432 (trust auth for postgres).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
N=${BENCH_BUNDLES:-300}
ROUNDS=${BENCH_ROUNDS:-6}
WARMUP=${BENCH_WARMUP:-20}
JVM_FLAGS=${BENCH_JVM_FLAGS:-"-Xms512m -Xmx1536m"}
PORT_ON=${BENCH_PORT_ON:-18181}
PORT_OFF=${BENCH_PORT_OFF:-18182}
JAR=vault-api/target/vault-api.jar
PG="psql -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 -qAt"

if [[ ! -f $JAR ]] || [[ -n $(find . -path ./bench -prune -o \( -name '*.java' -o -name '*.yaml' -o -name '*.json' -o -name '*.properties' -o -name '*.csv' \) -path '*/src/main/*' -newer "$JAR" -print -quit) ]]; then
  echo "building $JAR"
  mvn -B -o -q -DskipTests package
fi

STAMP=$(date -u +%H%M%S)_$$
WORK=$(mktemp -d /tmp/pvbench-quality.XXXXXX)
PIDS=()
DBS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  for db in "${DBS[@]}"; do $PG -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

start() { # name port enabled
  local db="pvbench_quality_${1}_${STAMP}"
  $PG -d postgres -c "CREATE DATABASE $db" >/dev/null
  DBS+=("$db")
  mkdir -p "$WORK/$1"
  VAULT_DB_URL="jdbc:postgresql://127.0.0.1:5432/$db" VAULT_DB_USERNAME=postgres VAULT_PORT="$2" \
    VAULT_DATA_DIR="$WORK/$1" VAULT_QUALITY_ENABLED="$3" \
    java $JVM_FLAGS -jar "$JAR" >"$WORK/$1.log" 2>&1 &
  PIDS+=($!)
}
wait_up() { # name port
  for _ in $(seq 1 300); do
    if curl -fs "http://127.0.0.1:$2/actuator/health" 2>/dev/null | grep -q '"UP"'; then return 0; fi
    sleep 1
  done
  echo "vault '$1' did not start; last log lines:" >&2; tail -30 "$WORK/$1.log" >&2; exit 1
}

echo "starting two vaults (quality on :$PORT_ON, off :$PORT_OFF)"
start on "$PORT_ON" true
start off "$PORT_OFF" false
wait_up on "$PORT_ON"
wait_up off "$PORT_OFF"
echo "posting $N checkup bundles to each, $ROUNDS alternating rounds after $WARMUP warm-up bundles"
RESULT=$(python3 bench/quality/ingest.py "http://127.0.0.1:$PORT_ON" "http://127.0.0.1:$PORT_OFF" "$N" "$ROUNDS" "$WARMUP")
echo "$RESULT"

COMMIT=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . ':!docs' || echo "+dirty")
MEM=$(free -g | awk '/^Mem:/ {print $2 " GB"}')
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
DOC=docs/benchmarks-quality.md
if [[ ! -f $DOC ]]; then
  echo "rows missing: create $DOC with its header first" >&2; exit 1
fi
python3 - "$RESULT" "$COMMIT" "$(nproc)" "$MEM" "$LOAD" "$DOC" <<'PY'
import json, sys, time
r = json.loads(sys.argv[1]); commit, cpus, mem, load, doc = sys.argv[2:7]
rounds = " / ".join("%s:%s" % (row["on"], row["off"]) for row in r["per_round"])
line = "| %s | %s | %s cores, %s, load %s | %d × %d | %s | %s | **%+.1f %%** | %s | %s |\n" % (
    time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), commit, cpus, mem, load, r["bundles"],
    r["resources_per_bundle"], r["on_rps"], r["off_rps"], r["overhead_pct"], r["mean_score"], rounds)
with open(doc, "a") as f:
    f.write(line)
print("row appended to " + doc)
PY
