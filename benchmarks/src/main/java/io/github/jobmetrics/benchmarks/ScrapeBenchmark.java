package io.github.jobmetrics.benchmarks;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.jobmetrics.JobRun;
import io.github.jobmetrics.micrometer.JobMeterSettings;
import io.github.jobmetrics.micrometer.MicrometerJobTracer;
import io.github.jobmetrics.prometheus.StripedDurationHistograms;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What the starter's meters add to a Prometheus scrape of a service with 100 jobs, each with the default 20
 * buckets, by runs in flight: {@code withJobMeters - emptyRegistry} is the time the starter adds. The runs
 * in flight are started in setup and left open, spread over the 100 jobs: the worked time and the oldest
 * run's age are computed at read time, and this shows whether that read grows with the runs.
 * <p>
 * The tracer is set up as on the default path of a Spring Boot application with Actuator and Prometheus: it counts
 * the duration histograms itself and {@link StripedDurationHistograms} writes them.
 * <p>
 * {@code sameSeriesPlainMicrometer} is the control: the same 100 jobs' series (names, tags, 20 buckets) from
 * plain Micrometer meters whose values are fixed, so {@code withJobMeters / sameSeriesPlainMicrometer} is what
 * the starter's own reads cost on top of what the Prometheus client spends writing that many series.
 *
 * @since 0.1.0
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ScrapeBenchmark {

	@Benchmark
	public String withJobMeters(WithJobMeters state) {
		return state.registry.scrape();
	}

	@Benchmark
	public String sameSeriesPlainMicrometer(SameSeriesPlainMicrometer state) {
		return state.registry.scrape();
	}

	@Benchmark
	public String emptyRegistry(EmptyRegistry state) {
		return state.registry.scrape();
	}

	/**
	 * A registry without meters, closed after the trial.
	 */
	@State(Scope.Benchmark)
	public static class EmptyRegistry {

		final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

		@TearDown
		public void close() {
			this.registry.close();
		}

	}

	/**
	 * A registry with the meters of 100 jobs, with the given number of runs in flight.
	 */
	@State(Scope.Benchmark)
	public static class WithJobMeters extends EmptyRegistry {

		@Param({ "0", "10000" })
		int inFlight;

		private List<JobRun> runs;

		@Setup
		public void startRuns() {
			MicrometerJobTracer tracer = DefaultPathBenchmark.Striped.tracer(this.registry);
			Fleet.register(tracer);
			this.runs = Fleet.startRuns(tracer, this.inFlight, Fleet.JOBS);
		}

		@TearDown
		public void endRuns() {
			this.runs.forEach(JobRun::close);
		}

	}

	/**
	 * The series of 100 jobs as {@link WithJobMeters} exposes them, from plain Micrometer meters.
	 */
	@State(Scope.Benchmark)
	public static class SameSeriesPlainMicrometer extends EmptyRegistry {

		@Setup
		public void buildMeters() {
			Duration[] buckets = JobMeterSettings.DEFAULT_BUCKETS.toArray(Duration[]::new);
			for (int i = 0; i < Fleet.JOBS; i++) {
				Tags tags = Tags.of("job.name", Fleet.jobName(i), "queue", "none");
				FunctionCounter.builder("job.worked", this, (state) -> 1.0).baseUnit("seconds").tags(tags)
					.register(this.registry);
				Gauge.builder("job.inflight", () -> 0).tags(tags).register(this.registry);
				Gauge.builder("job.oldest.inflight.age", () -> 0).baseUnit("seconds").tags(tags)
					.register(this.registry);
				Gauge.builder("job.last.success.timestamp", () -> 1.7e9).baseUnit("seconds").tags(tags)
					.register(this.registry);
				Timer.builder("job.duration").tags(tags).serviceLevelObjectives(buckets).register(this.registry)
					.record(Duration.ofMillis(1));
				for (String result : List.of("success", "failure", "retry", "cancelled")) {
					Counter.builder("job.executions").baseUnit("executions").tags(tags).tag("result", result)
						.register(this.registry);
				}
			}
			for (String label : List.of("job_name", "queue", "exception")) {
				Counter.builder("job.metrics.label.overflow").tag("label", label).register(this.registry);
			}
		}

	}

}
