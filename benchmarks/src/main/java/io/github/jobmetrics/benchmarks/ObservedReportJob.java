package io.github.jobmetrics.benchmarks;

import io.micrometer.observation.annotation.Observed;

/**
 * The same empty job with a plain {@code @Observed}, as users write it for a span and a timer per call: what
 * {@link DefaultPathBenchmark} compares the tracing path with.
 *
 * @since 0.3.0
 */
public class ObservedReportJob {

	int items = 42;

	/**
	 * Runs the job.
	 * @return a field read, so that the call cannot be removed
	 */
	@Observed(name = "report.observed")
	public int run() {
		return this.items;
	}

}
