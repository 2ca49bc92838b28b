package io.github.jobmetrics.benchmarks;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.jobmetrics.JobRun;
import io.github.jobmetrics.JobTracer;
import io.github.jobmetrics.micrometer.MicrometerJobTracer;
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
 * The cost of starting and ending one run of a job while 10,000 other runs are in flight, either all of
 * the same job or spread over 100 jobs, against none. Long batch runs pile up in flight, and tracing them
 * must stay O(1): a start or end that walked the runs in flight would slow every worker as they grow.
 *
 * @since 0.1.0
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class InFlightStartStopBenchmark {

	private static final int OTHER_RUNS = 10_000;

	// Built once, as a job name is a constant in real code: building it per call would add its allocation.
	private static final String JOB = Fleet.jobName(0);

	@Benchmark
	public void startStop(Tracer state) {
		state.tracer.start(JOB, null).close();
	}

	/**
	 * A tracer of 100 jobs and, by {@code otherRuns}: no run in flight, 10,000 runs of the benchmarked job
	 * ({@code same-job}), or 10,000 runs spread over the 100 jobs ({@code spread}).
	 */
	@State(Scope.Benchmark)
	public static class Tracer {

		@Param({ "none", "same-job", "spread" })
		String otherRuns;

		final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

		JobTracer tracer;

		private List<JobRun> runs;

		@Setup
		public void startRuns() {
			this.tracer = new MicrometerJobTracer(this.registry);
			Fleet.register(this.tracer);
			int count = "none".equals(this.otherRuns) ? 0 : OTHER_RUNS;
			int jobs = "same-job".equals(this.otherRuns) ? 1 : Fleet.JOBS;
			this.runs = Fleet.startRuns(this.tracer, count, jobs);
		}

		@TearDown
		public void close() {
			this.runs.forEach(JobRun::close);
			this.registry.close();
		}

	}

}
