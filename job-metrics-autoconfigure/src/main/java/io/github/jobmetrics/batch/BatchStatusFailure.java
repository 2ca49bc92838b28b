package io.github.jobmetrics.batch;

import org.springframework.batch.core.BatchStatus;

/**
 * What a job or step execution that ended {@code FAILED} (or {@code UNKNOWN}) without an exception is counted as
 * failing with, so that its {@code exception} label names a type: a listener or a decider may set the status of an
 * execution that threw nothing. Carries no stack trace, which would only point into job-metrics.
 */
final class BatchStatusFailure extends RuntimeException {

	private static final long serialVersionUID = 1L;

	BatchStatusFailure(BatchStatus status) {
		super("The execution ended " + status + " without an exception", null, false, false);
	}

}
