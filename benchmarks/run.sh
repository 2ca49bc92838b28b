#!/usr/bin/env bash
# Builds the JMH benchmarks, runs them and writes a report (a table of every result and the limits of the issues
# that set them, checked against the measured ratios and their error bars).
#
#   benchmarks/run.sh                        the full run (the limits of issues 24 and 4): 28-31 minutes on
#                                            2 cores; writes results/results.md, beside each limit the figures
#                                            of the full run before it (kept as results/results-previous.md)
#   benchmarks/run.sh --smoke                one 100 ms iteration of each benchmark, no warm-up, in one JVM:
#                                            proves that everything runs (for CI) in about a minute; writes
#                                            results/smoke.md, whose numbers mean nothing
#   benchmarks/run.sh --default-path         only DefaultPathBenchmark (the tracer as a Spring Boot application
#                                            with Actuator builds it, beside the bare tracer; the same with a
#                                            tracing bridge; plain @Observed), measured as the full run measures
#                                            it: about 12 minutes; writes results/default-path.md
#   benchmarks/run.sh --default-path --smoke the same, one 100 ms iteration of each case
#
# Numbers are only worth reading from a machine that is otherwise idle: the load average before and
# after the run is written into the report.
set -euo pipefail

cd "$(dirname "$0")/.."
mode=full
only_default_path=false
for arg in "$@"; do
	case "$arg" in
		--smoke) mode=smoke ;;
		--default-path) only_default_path=true ;;
		*) echo "usage: $0 [--default-path] [--smoke]" >&2; exit 2 ;;
	esac
done

results=benchmarks/results
jar=benchmarks/target/benchmarks.jar
mkdir -p "$results"

# -am builds job-metrics-autoconfigure from this checkout, so a change to it is measured without installing.
./mvnw -q -pl benchmarks -am package -DskipTests

# A fixed heap, so that heap resizing does not land in some measurements only.
run() {
	local name=$1
	shift
	java -jar "$jar" "$@" -prof gc -foe true -jvmArgsAppend "-Xms1g -Xmx1g" \
		-rf json -rff "$results/$name.json"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date +%s)
# The default path of issue 20: five forks at one thread, where its limit can be decided, three at four threads.
# Each fork starts a Spring Boot context (about 2 s) before its warm-up.
default_path() {
	local prefix=$1
	run "$prefix-default-path-t1" 'DefaultPathBenchmark' "${per_run[@]}" -f 5 -t 1
	run "$prefix-default-path-t4" 'DefaultPathBenchmark' "${per_run[@]}" -f 3 -t 4
}
default_path_note="default path: -wi 5 -w 1s -i 5 -r 1s, -f 5 at -t 1 and -f 3 at -t 4"
per_run=(-wi 5 -w 1s -i 5 -r 1s)

if [[ $only_default_path == true && $mode == smoke ]]; then
	rm -f "$results"/default-path-smoke.json
	run default-path-smoke 'DefaultPathBenchmark' -f 0 -wi 0 -i 1 -r 100ms -t 1
	jsons=("$results"/default-path-smoke.json)
	report=$results/default-path-smoke.md
	summarize_options=(--smoke)
	title="job-metrics benchmarks: default path, smoke run (no warm-up, one 100 ms iteration; the numbers mean nothing)"
	options_note="-f 0 -wi 0 -i 1 -r 100ms -t 1"
elif [[ $only_default_path == true ]]; then
	rm -f "$results"/default-path-full-*.json
	default_path default-path-full
	jsons=("$results"/default-path-full-*.json)
	report=$results/default-path.md
	summarize_options=()
	title="job-metrics benchmarks: the default path"
	options_note=$default_path_note
elif [[ $mode == smoke ]]; then
	rm -f "$results"/smoke*.json
	# No fork (-f 0): one JVM for everything keeps the smoke run short; its numbers mean nothing anyway.
	run smoke -f 0 -wi 0 -i 1 -r 100ms -t 1
	jsons=("$results"/smoke.json)
	report=$results/smoke.md
	summarize_options=(--smoke)
	title="job-metrics benchmarks: smoke run (no warm-up, one 100 ms iteration; the numbers mean nothing)"
	options_note="-f 0 -wi 0 -i 1 -r 100ms -t 1"
else
	# The full run before this one becomes "the run before": its JSON results are shown beside each limit of this
	# one, and its report is kept as results-previous.md. A verdict counts when a second run gives it again.
	previous=()
	if compgen -G "$results/full-*.json" > /dev/null; then
		rm -f "$results"/previous-*.json
		for json in "$results"/full-*.json; do
			mv "$json" "$results/previous-${json##*/}"
			previous+=(--previous "$results/previous-${json##*/}")
		done
		[[ -f $results/results.md ]] && cp "$results/results.md" "$results/results-previous.md"
	fi
	# The limits of issue 24, on the default path (the tracer and the @TracedJob proxy as a Spring Boot application
	# with Actuator and Prometheus builds them) against what a user would otherwise write with Micrometer: raw
	# Timer.record + Counter.increment with the same 20 buckets, and plain @Timed. Several forks per case: whole
	# forks run steadily faster or slower than others, and the error JMH reports only covers that when it sees
	# several forks. Five at one and two threads, eight at four. Five warm-up seconds: @Timed through TimedAspect
	# takes four to reach its steady speed (its first seconds run 5-10x slower, which would flatter the starter).
	# All threads share one state, so they all run the same job: the contended case. Each DefaultPathBenchmark fork
	# starts a Spring Boot context (about 2 s) before its warm-up.
	for threads in 1 2 4; do
		# Five forks where the two threads share the two cores with the OS: those forks are bimodal. Eight where
		# four threads share them: the OS then parks threads mid-call, and whole forks of plain @Timed ran at
		# 1,224 and at 2,618 ns, so that three forks left error bars wider than the mean.
		forks=8
		[[ $threads -lt 4 ]] && forks=5
		run "full-raw-t$threads" 'PerRunOverheadBenchmark.rawMicrometer' -p buckets=20 "${per_run[@]}" -f "$forks" \
			-t "$threads"
		run "full-timed-t$threads" 'PerRunOverheadBenchmark.timedAspect' -p buckets=0 "${per_run[@]}" -f "$forks" \
			-t "$threads"
		# What Spring AOP costs before any instrumentation: the part of both proxies that neither controls.
		run "full-aop-floor-t$threads" 'PerRunOverheadBenchmark.springAopFloor' "${per_run[@]}" -f "$forks" \
			-t "$threads"
		run "full-default-path-t$threads" 'DefaultPathBenchmark.(defaultPathJobTracer|defaultPathTracedJobProxy)' \
			"${per_run[@]}" -f "$forks" -t "$threads"
		# The same tracer without a context, its threads on one job against each thread with a tracer of its own:
		# what sharing a job costs, apart from what this machine does to any code at that many threads.
		if [[ $threads -gt 1 ]]; then
			run "full-sharing-t$threads" 'DefaultPathBenchmark.stripedJobTracer' "${per_run[@]}" -f 3 -t "$threads"
		fi
	done
	# The one-thread ratios below compare cases that JMH would otherwise run one after the other, all forks of
	# one before the next. This VM runs whole stretches of seconds to minutes 1.5x slower, on either side (run 4's
	# scrape iterations flip between 4.3 and 6.7 ms inside one fork, the control's as well as the starter's), so
	# one stretch could land on one side only. In rounds of one fork of every case each, both sides share the
	# stretches; summarize.py merges the rounds into one result per case, as JMH would have computed it.
	rounds() {
		local count=$1 name=$2 round
		shift 2
		for ((round = 1; round <= count; round++)); do
			run "$name-r$round" "$@" -f 1
		done
	}
	rounds 5 full-start-stop 'InFlightStartStopBenchmark' -wi 3 -w 1s -i 5 -r 1s -t 1
	# A scrape takes a few milliseconds, so one second of warm-up is too few calls for the Prometheus writer
	# to reach C2: the first seconds run several times slower. Eight rounds, so that the error of a ratio near
	# 1.0 does not straddle the limit of 1.1.
	rounds 8 full-scrape 'ScrapeBenchmark' -wi 3 -w 2s -i 5 -r 1s -t 1
	jsons=("$results"/full-*.json)
	report=$results/results.md
	summarize_options=()
	if [[ ${#previous[@]} -gt 0 ]]; then
		summarize_options=("${previous[@]}" --previous-note \
			"$(grep -m1 '^- Run:' "$results/results-previous.md" 2>/dev/null | sed 's/^- Run: //; s/\.$//')")
	fi
	title="job-metrics benchmarks"
	options_note="per run: -wi 5 -w 1s -i 5 -r 1s, -f 5 at -t 1 and 2 and -f 8 at -t 4 (-f 3 for the tracer without a context); start/stop: 5 rounds of -f 1 -wi 3 -w 1s -i 5 -r 1s; scrape: 8 rounds of -f 1 -wi 3 -w 2s -i 5 -r 1s (each round runs every case once)"
fi
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

python3 benchmarks/summarize.py "${summarize_options[@]}" --title "$title" \
	--note "Run: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(( $(date +%s) - started )) s, load average $load_before before and $load_after after (1, 5, 15 min)." \
	--note "JMH options: $options_note, -prof gc, -Xms1g -Xmx1g; JSON results in $results." \
	"$report" "${jsons[@]}"

# Counts, not times: the same on any machine, so they say what the contended timings on 2 shared cores cannot.
{
	echo
	echo "## Counted per call"
	echo
	echo "Reads of Micrometer's clock per call of each per-run case, on one thread, counted by a clock that counts its reads"
	echo "(\`CountedOperations\`, 100,000 calls after 20,000 of warm-up): the same figures on any machine and at any load."
	echo
	java -cp "$jar" io.github.jobmetrics.benchmarks.CountedOperations 2>/dev/null | grep '^|'
} >> "$report"
