#!/usr/bin/env bash
# Thread-CPU comparison of DICOM de-identification and a like-for-like plain copy, interleaved in one JVM (issue 16).
# Usage, from the repository root: bench/deid/interleaved.sh [frames=1] [rounds=15] ; JAVA_OPTS=-Dskew=true to skew
# the copy's chunks to the pixel data offset; JAVA_OPTS=-Dimpl=model to measure the replaced parse-modify-write
# implementation (kept in the tests) instead of the streaming filter. Prints start time, load average and medians.
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -B -ntp -o -q -pl fhir-mapping test-compile
mvn -B -ntp -o -q -pl fhir-mapping dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/deid-bench.classpath
CP="fhir-mapping/target/test-classes:fhir-mapping/target/classes:$(cat fhir-mapping/target/deid-bench.classpath)"
exec java ${JAVA_OPTS:-} -cp "$CP" org.patientvault.mapping.deid.bench.InterleavedCpu "${1:-1}" "${2:-15}"
