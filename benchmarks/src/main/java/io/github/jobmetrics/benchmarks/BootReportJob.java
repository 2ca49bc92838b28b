package io.github.jobmetrics.benchmarks;

import io.github.jobmetrics.TracedJob;

/**
 * The job of {@link DefaultPathBenchmark}'s {@code @TracedJob} cases: the same empty body as {@link ReportJob}, with
 * {@code @TracedJob} only, so that in a Spring Boot context that turns {@code @Timed} into timers its proxy carries
 * only the starter's advice.
 *
 * @since 0.3.0
 */
public class BootReportJob {

	int items = 42;

	/**
	 * Runs the job.
	 * @return a field read, so that the call cannot be removed
	 */
	@TracedJob(name = "report")
	public int run() {
		return this.items;
	}

}
