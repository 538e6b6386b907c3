#!/usr/bin/env bash
# JMH benchmark of de-identification (issue 16): FHIR resources/s on one thread, DICOM vs a plain copy.
# The benchmark classes live in fhir-mapping's test sources (JMH's annotation processor runs at test-compile), so the
# normal build compiles them but surefire never runs them. Usage, from the repository root:
#   bench/deid/run.sh [jmh options]      default: -f 1 -wi 6 -w 10s -i 3 -r 5s
# Warm-up is long on purpose: on 2 shared cores the JIT threads starve and 2 x 2 s of warm-up measures the interpreter
# (first runs showed 10x lower figures for everything but the array-copy baselines).
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -B -ntp -o -q -pl fhir-mapping test-compile
mvn -B -ntp -o -q -pl fhir-mapping dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/deid-bench.classpath
CP="fhir-mapping/target/test-classes:fhir-mapping/target/classes:$(cat fhir-mapping/target/deid-bench.classpath)"
ARGS=("$@")
if [ ${#ARGS[@]} -eq 0 ]; then ARGS=(-f 1 -wi 6 -w 10s -i 3 -r 5s); fi
exec java -cp "$CP" org.openjdk.jmh.Main 'org.patientvault.mapping.deid.bench.DeidBenchmark' "${ARGS[@]}"
