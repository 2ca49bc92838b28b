#!/usr/bin/env bash
# Run the experiment of the time-of-measurement bias article for real and draw what Prometheus sees.
#
# Starts the sample app (always-busy workers, traced with @TracedJob) and a Prometheus that scrapes it, waits
# out a warm-up and the run, then draws two rates over time, with the number of workers as the truth:
#   - the completion-time view, sum(rate(job_duration_seconds_sum[w])): a run counts only when it ends;
#   - worked seconds,           sum(rate(job_worked_seconds_total[w])): runs in flight count at every scrape.
# Prints the figures (points within ±2 % of the truth, mean and max error in busy workers) and writes a PNG.
#
# Usage: scripts/bias-experiment.sh [options]      (each option also has an environment variable)
#   --workers N             BIAS_WORKERS          always-busy workers                  (default 10)
#   --min-duration D        BIAS_MIN_DURATION     shortest job                         (default 100ms)
#   --max-duration D        BIAS_MAX_DURATION     longest job                          (default 10s)
#   --scrape-interval D     BIAS_SCRAPE_INTERVAL  Prometheus scrape interval           (default 1s)
#   --window D              BIAS_WINDOW           rate() window                        (default 8s)
#   --run-length D          BIAS_RUN_LENGTH       measured period, after the warm-up   (default 90s)
#   --output FILE           BIAS_OUTPUT           the PNG to write          (default docs/bias-experiment.png)
# Durations are like 100ms, 15s, 10m. The defaults are the CI experiment (TimeOfMeasurementBiasIT), which
# takes about 2 minutes with the build. The warm-up lasts until every worker's first job has ended and
# Prometheus holds a full window plus two scrapes.
#
# The article's long variant (jobs up to 30 s, a scrape every 15 s and a 60 s window, about 12 minutes):
#   scripts/bias-experiment.sh --max-duration 30s --scrape-interval 15s --window 60s --run-length 10m \
#       --output target/bias-experiment-long.png
#
# Needs root on a machine without Docker (see scripts/container-runtime.sh) and Maven Central.
set -euo pipefail
cd "$(dirname "$0")/.."

workers="${BIAS_WORKERS:-10}"
min_duration="${BIAS_MIN_DURATION:-100ms}"
max_duration="${BIAS_MAX_DURATION:-10s}"
scrape_interval="${BIAS_SCRAPE_INTERVAL:-1s}"
window="${BIAS_WINDOW:-8s}"
run_length="${BIAS_RUN_LENGTH:-90s}"
output="${BIAS_OUTPUT:-docs/bias-experiment.png}"

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit "${1:-2}"; }
while (($#)); do
  [[ $# -ge 2 || "$1" == -h || "$1" == --help ]] || { echo "bias-experiment: $1 needs a value" >&2; usage; }
  case "$1" in
    --workers) workers="$2" ;;
    --min-duration) min_duration="$2" ;;
    --max-duration) max_duration="$2" ;;
    --scrape-interval) scrape_interval="$2" ;;
    --window) window="$2" ;;
    --run-length) run_length="$2" ;;
    --output) output="$2" ;;
    -h|--help) usage 0 ;;
    *) echo "bias-experiment: unknown option $1" >&2; usage ;;
  esac
  shift 2
done
[[ "$output" = /* ]] || output="$PWD/$output"

eval "$(scripts/container-runtime.sh)"

# The app runs from its jar, and the experiment from the test classes of sample-app, which need the other
# modules in the local repository.
./mvnw -B -q -pl sample-app -am install -DskipTests
./mvnw -B -q -pl sample-app exec:java -Dexec.classpathScope=test \
  -Dexec.mainClass=io.github.jobmetrics.sample.experiment.BiasExperiment \
  -Dsample-app.jar="$PWD/sample-app/target/sample-app.jar" \
  -Dexec.args="workers=$workers min-duration=$min_duration max-duration=$max_duration scrape-interval=$scrape_interval window=$window run-length=$run_length output=$output"
