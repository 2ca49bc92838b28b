package io.github.jobmetrics.benchmarks;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.jobmetrics.JobRun;
import io.github.jobmetrics.micrometer.MicrometerJobTracer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
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
 * What the starter's meters add to a Prometheus scrape of a service with 100 jobs, by runs in flight. Both
 * registries carry the JVM meters Spring Boot binds, so the scrape without job meters is a realistic
 * baseline and the difference, {@code withJobMeters - withoutJobMeters}, is the time the starter adds. The
 * in-flight runs are started in setup and left open, spread over the 100 jobs: the worked time and the
 * oldest run's age are computed at read time, and this shows whether that read grows with the runs.
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
	public String withoutJobMeters(WithoutJobMeters state) {
		return state.registry.scrape();
	}

	/**
	 * A registry with JVM meters only, closed after the trial.
	 */
	@State(Scope.Benchmark)
	public static class WithoutJobMeters {

		final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

		private final JvmGcMetrics gcMetrics = new JvmGcMetrics();

		@Setup
		public void bindJvmMeters() {
			new ClassLoaderMetrics().bindTo(this.registry);
			new JvmMemoryMetrics().bindTo(this.registry);
			this.gcMetrics.bindTo(this.registry);
			new JvmThreadMetrics().bindTo(this.registry);
			new ProcessorMetrics().bindTo(this.registry);
			new UptimeMetrics().bindTo(this.registry);
		}

		@TearDown
		public void close() {
			this.gcMetrics.close();
			this.registry.close();
		}

	}

	/**
	 * The same JVM meters plus the meters of 100 jobs, with the given number of runs in flight.
	 */
	@State(Scope.Benchmark)
	public static class WithJobMeters extends WithoutJobMeters {

		@Param({ "0", "1000", "10000" })
		int inFlight;

		private List<JobRun> runs;

		@Setup
		public void startRuns() {
			MicrometerJobTracer tracer = new MicrometerJobTracer(this.registry);
			Fleet.register(tracer);
			this.runs = Fleet.startRuns(tracer, this.inFlight, Fleet.JOBS);
		}

		@TearDown
		public void endRuns() {
			this.runs.forEach(JobRun::close);
		}

	}

}
