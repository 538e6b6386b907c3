#!/usr/bin/env bash
# Storage benchmark: vault encrypted store vs raw MinIO SDK against S3Proxy (separate process, filesystem store).
# Usage (from anywhere): bench/storage/run.sh        Not part of the reactor build. Takes about 2-5 minutes.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
OUT="$ROOT/bench/storage/target"
cd "$ROOT"
rm -rf "$OUT" && mkdir -p "$OUT/classes" "$OUT/data"
mvn -B -o -q -pl storage -am package -DskipTests
mvn -B -o -q -pl storage dependency:build-classpath -Dmdep.outputFile="$OUT/cp.txt"
mvn -B -o -q dependency:copy -Dartifact=org.gaul:s3proxy:4.1.0:jar:jar-with-dependencies -DoutputDirectory="$OUT" -Dmdep.stripVersion=true
CP="$ROOT/storage/target/classes:$(cat "$OUT/cp.txt")"
javac -q -d "$OUT/classes" -cp "$CP" bench/storage/src/main/java/org/patientvault/bench/storage/*.java 2>/dev/null \
  || javac -d "$OUT/classes" -cp "$CP" bench/storage/src/main/java/org/patientvault/bench/storage/*.java
PORT=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
cat > "$OUT/s3proxy.properties" <<PROPS
s3proxy.endpoint=http://127.0.0.1:$PORT
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=bench-access
s3proxy.credential=bench-secret-123
jclouds.provider=filesystem-nio2
jclouds.identity=bench-access
jclouds.credential=bench-secret-123
jclouds.filesystem.basedir=$OUT/data
PROPS
java -Xmx1g -jar "$OUT/s3proxy-jar-with-dependencies.jar" --properties "$OUT/s3proxy.properties" > "$OUT/s3proxy.log" 2>&1 &
S3PID=$!
trap 'kill $S3PID 2>/dev/null || true; rm -rf "$OUT/data"' EXIT
for _ in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null && break; sleep 0.2; done
echo "date: $(date -u +%Y-%m-%dT%H:%MZ)  commit: $(git rev-parse --short HEAD)  nproc: $(nproc)  mem: $(free -g | awk '/Mem:/{print $2}') GiB  java: $(java -version 2>&1 | head -1)  load: $(cut -d" " -f1-3 /proc/loadavg)"
RUN="java -cp $OUT/classes:$CP -Dorg.slf4j.simpleLogger.defaultLogLevel=warn"
$RUN -Xmx1g org.patientvault.bench.storage.StorageBench throughput "http://127.0.0.1:$PORT"
$RUN -Xmx512m org.patientvault.bench.storage.StorageBench heap "http://127.0.0.1:$PORT"
