package io.github.jobmetrics.benchmarks;

import io.micrometer.core.annotation.Timed;

/**
 * {@link ReportJob} with a plain {@code @Timed}: no histogram buckets, what users write when they time a
 * method with Micrometer.
 *
 * @since 0.2.0
 */
public class PlainTimedReportJob extends ReportJob {

	@Override
	@Timed("report.timed")
	public int run() {
		return this.items;
	}

}
