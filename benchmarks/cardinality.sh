#!/usr/bin/env bash
# Measures what dynamic job names cost (series, scrape time, retained heap, allocation per run) with the
# default caps and without them: benchmarks/cardinality.sh [names] [uncapped names], default 100000 10000.
# A plain main class rather than JMH, because retained heap after GC is a state, not a rate. Serial GC and a
# fixed heap, so that "used after System.gc()" is the live set.
set -euo pipefail
cd "$(dirname "$0")/.."
# -am builds job-metrics-autoconfigure from this checkout, so a change to it is measured without installing.
./mvnw -q -pl benchmarks -am package -DskipTests
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
java -Xms2g -Xmx2g -XX:+UseSerialGC -cp benchmarks/target/benchmarks.jar \
	io.github.jobmetrics.benchmarks.CardinalityMeasurement "$@"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
