package io.github.jobmetrics.autoconfigure;

import io.github.jobmetrics.JobMetricsConfigurationException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports an invalid {@code job-metrics.*} property or {@code @TracedJob} annotation at start-up with what
 * is at fault and how to fix it.
 */
class JobMetricsConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<JobMetricsConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, JobMetricsConfigurationException cause) {
		return new FailureAnalysis("Invalid job-metrics configuration: " + cause.getSubject() + " "
				+ cause.getProblem() + ".", cause.getAction() + ".", cause);
	}

}
