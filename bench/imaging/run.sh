#!/usr/bin/env bash
# Imaging benchmark: STOW-RS ingest of a large dcmtk-made study into the vault (parse while copying, AES-GCM per
# patient key, S3 multipart, Patient + ImagingStudy through the FHIR submission path) against raw MinIO-SDK puts of the
# same files to the same S3Proxy in the same run; plus the vault's heap while it ingests (GC log, -Xmx given below).
# Usage: bench/imaging/run.sh [study MiB, default 1024]     Not part of the reactor build. Needs dcmtk; ~5-10 min.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
OUT="$ROOT/bench/imaging/target"
MB="${1:-1024}"
XMX="${IMAGING_BENCH_XMX:-512m}"
cd "$ROOT"
rm -rf "$OUT" && mkdir -p "$OUT/classes" "$OUT/s3data" "$OUT/study" "$OUT/vault-data"
mvn -B -o -q -pl vault-api -am package -DskipTests
mvn -B -o -q -pl storage dependency:build-classpath -Dmdep.outputFile="$OUT/cp.txt"
mvn -B -o -q dependency:copy -Dartifact=org.gaul:s3proxy:4.1.0:jar:jar-with-dependencies -DoutputDirectory="$OUT" -Dmdep.stripVersion=true
CP="$ROOT/storage/target/classes:$(cat "$OUT/cp.txt")"
javac -d "$OUT/classes" -cp "$CP" bench/imaging/src/main/java/org/patientvault/bench/imaging/*.java

# The study: 16 MiB CT instances (2048 x 4096, 16 bit), one series, as many as make up $MB MiB.
N=$(( MB / 16 )); [ "$N" -lt 1 ] && N=1
python3 - "$OUT/study/px.raw" <<'PY'
import sys
row = bytes((i * 7) & 0xff for i in range(8192))
with open(sys.argv[1], "wb") as f:
    for _ in range(2048):
        f.write(row)
PY
make_study() { # $1 = directory, $2 = Study Instance UID
  mkdir -p "$1"
  for i in $(seq 1 "$N"); do
    cat > "$OUT/study/d.dump" <<DUMP
(0008,0016) UI =CTImageStorage
(0008,0018) UI [$2.1.$i]
(0008,0020) DA [20260115]
(0008,0060) CS [CT]
(0010,0010) PN [Bench^Patient]
(0010,0020) LO [BENCH-MRN-1]
(0010,0030) DA [19800101]
(0020,000d) UI [$2]
(0020,000e) UI [$2.1]
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
    (cd "$OUT/study" && dump2dcm +te d.dump "$1/$(printf 'im%04d.dcm' "$i")")
  done
}
# Study A is timed against the raw baseline; study B (same size, other UIDs) is ingested while the heap is sampled.
make_study "$OUT/study/a" "2.25.$(date +%s)1$RANDOM"
make_study "$OUT/study/b" "2.25.$(date +%s)2$RANDOM"
rm -f "$OUT/study/px.raw" "$OUT/study/d.dump"

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
S3PORT=$(free_port)
cat > "$OUT/s3proxy.properties" <<PROPS
s3proxy.endpoint=http://127.0.0.1:$S3PORT
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=bench-access
s3proxy.credential=bench-secret-123
jclouds.provider=filesystem-nio2
jclouds.identity=bench-access
jclouds.credential=bench-secret-123
jclouds.filesystem.basedir=$OUT/s3data
PROPS
java -Xmx1g -jar "$OUT/s3proxy-jar-with-dependencies.jar" --properties "$OUT/s3proxy.properties" > "$OUT/s3proxy.log" 2>&1 &
S3PID=$!
VPID=""
trap 'kill $S3PID 2>/dev/null || true; [ -n "$VPID" ] && kill $VPID 2>/dev/null || true; rm -rf "$OUT/s3data" "$OUT/study"' EXIT
for _ in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/$S3PORT) 2>/dev/null && break; sleep 0.2; done

VPORT=$(free_port)
VAULT_PORT=$VPORT VAULT_DATA_DIR="$OUT/vault-data" VAULT_S3_ENDPOINT="http://127.0.0.1:$S3PORT" \
  VAULT_S3_ACCESS_KEY=bench-access VAULT_S3_SECRET_KEY=bench-secret-123 VAULT_S3_BUCKET=vault \
  java "-Xmx$XMX" -Xlog:gc:file="$OUT/gc.log":uptime -jar vault-api/target/vault-api.jar > "$OUT/vault.log" 2>&1 &
VPID=$!
for _ in $(seq 1 600); do curl -fs "http://127.0.0.1:$VPORT/actuator/health" > /dev/null 2>&1 && break; sleep 0.5; done
curl -fs "http://127.0.0.1:$VPORT/actuator/health" > /dev/null

echo "date: $(date -u +%Y-%m-%dT%H:%MZ)  commit: $(git rev-parse --short HEAD)  nproc: $(nproc)  load: $(cut -d' ' -f1 /proc/loadavg)  java: $(java -version 2>&1 | head -1)  vault -Xmx$XMX"
RUN="java -cp $OUT/classes:$CP -Dorg.slf4j.simpleLogger.defaultLogLevel=warn"
$RUN -Xmx256m org.patientvault.bench.imaging.ImagingBench raw "http://127.0.0.1:$S3PORT" "$OUT/study/a" > "$OUT/raw.txt"
$RUN -Xmx256m org.patientvault.bench.imaging.ImagingBench stow "http://127.0.0.1:$VPORT" "$OUT/study/a" "vault STOW-RS" > "$OUT/stow.txt"
$RUN -Xmx256m org.patientvault.bench.imaging.ImagingBench stow "http://127.0.0.1:$VPORT" "$OUT/study/a" "vault STOW-RS resend (idempotent)" > "$OUT/resend.txt"
# Live heap: a full GC (jcmd GC.run) before, then every 3 s while study B is ingested; "Pause Full ... X->YM" gives Y.
jcmd "$VPID" GC.run > /dev/null
GC_BEFORE=$(wc -l < "$OUT/gc.log")
$RUN -Xmx256m org.patientvault.bench.imaging.ImagingBench stow "http://127.0.0.1:$VPORT" "$OUT/study/b" "vault STOW-RS (heap sampled)" > "$OUT/stow-b.txt" &
CPID=$!
while kill -0 "$CPID" 2>/dev/null; do sleep 3; jcmd "$VPID" GC.run > /dev/null 2>&1 || true; done
wait "$CPID"
GC_AFTER=$(wc -l < "$OUT/gc.log")
BASE=$(sed -n "1,${GC_BEFORE}p" "$OUT/gc.log" | grep 'Pause Full' | tail -1 | grep -o '[0-9]*M->[0-9]*M' | sed 's/.*->//; s/M//')
HEAP=$(sed -n "$((GC_BEFORE + 1)),${GC_AFTER}p" "$OUT/gc.log" | grep 'Pause Full' | grep -o '[0-9]*M->[0-9]*M' \
  | awk -F'->' -v base="$BASE" '{a=$2; sub("M","",a); if (a>ma) ma=a; if (mi=="" || a<mi) mi=a; n++} END {printf "live %d MiB before; %d full GCs while ingesting: live %d-%d MiB", base, n, mi, ma}')
PEAK=$(sed -n "$((GC_BEFORE + 1)),${GC_AFTER}p" "$OUT/gc.log" | grep -o '[0-9]*M->[0-9]*M' | awk -F'->' '{b=$1; sub("M","",b); if (b>mb) mb=b} END {print mb}')
IFS='|' read -r _ FILES BYTES RAWS RAWMB < "$OUT/raw.txt"
IFS='|' read -r _ _ _ VS VMB < "$OUT/stow.txt"
IFS='|' read -r _ _ _ RS RMB < "$OUT/resend.txt"
RATIO=$(python3 -c "print(f'{$VMB/$RAWMB:.2f}')")
echo "| study | raw put MiB/s (s) | vault STOW-RS MiB/s (s) | ratio | idempotent resend MiB/s (s) | vault heap while ingesting another such study (-Xmx$XMX) |"
echo "|---|---|---|---|---|---|"
echo "| $FILES × 16 MiB = $((BYTES / 1048576)) MiB | $RAWMB ($RAWS) | $VMB ($VS) | **${RATIO}×** | $RMB ($RS) | $HEAP; peak used incl. garbage $PEAK MiB |"
