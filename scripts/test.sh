#!/usr/bin/env bash
# The test command of job-metrics: every module's unit tests (Surefire), the sample app's integration
# tests against a real Prometheus (Failsafe, Testcontainers), the release build of the published modules, and a
# smoke run of the JMH benchmarks.
#
#   bash scripts/test.sh [maven args...]     e.g. bash scripts/test.sh -pl sample-app -am
#
# Works on a fresh Debian machine from a clean clone, without a terminal: scripts/container-runtime.sh
# provides a container runtime (installing podman and a Prometheus image when there is no Docker engine),
# scripts/rabbitmq.sh installs Debian's RabbitMQ for the listener tests, then the Maven wrapper runs `verify`.
# Without a container runtime or RabbitMQ the tests that need them fail, they are never skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

eval "$(scripts/container-runtime.sh)"
scripts/rabbitmq.sh
./mvnw -B verify "$@"

# Skipped when Maven arguments narrow the build:
if [[ $# -eq 0 ]]; then
	# The release build of the published modules (sources and Javadoc jars, Javadoc without a warning, what Maven
	# Central requires), without signing or uploading.
	./mvnw -B -q -Prelease -Dgpg.skip verify -pl job-metrics-autoconfigure,job-metrics-spring-boot-starter -am \
		-DskipTests
	# The benchmarks are not judged in CI (2 shared cores are too noisy), but one very short iteration of each
	# proves they still run.
	benchmarks/run.sh --smoke
fi
