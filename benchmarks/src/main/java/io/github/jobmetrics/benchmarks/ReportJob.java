package io.github.jobmetrics.benchmarks;

import io.github.jobmetrics.TracedJob;
import io.micrometer.core.annotation.Timed;

/**
 * The job every case of {@link PerRunOverheadBenchmark} runs: an empty body, so that a case measures only
 * its instrumentation. It carries both {@code @Timed} and {@code @TracedJob}, so the two proxies compare on
 * the very same method; each proxy is built with only its own advice.
 * <p>
 * Public and not final, as CGLIB needs to subclass it. {@code @Timed} has the same 20 buckets as
 * {@code job.duration}, so that both record into the same histogram shape; {@link PlainTimedReportJob} is the
 * same job with a plain {@code @Timed}, as users write it.
 *
 * @since 0.1.0
 */
public class ReportJob {

	int items = 42;

	/**
	 * Runs the job.
	 * @return a field read, so that the call cannot be removed; small enough for the {@code Integer} cache,
	 * so the proxies box it without allocating
	 */
	@Timed(value = "report.timed", serviceLevelObjectives = { 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
			10, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600 })
	@TracedJob(name = "report")
	public int run() {
		return this.items;
	}

}
