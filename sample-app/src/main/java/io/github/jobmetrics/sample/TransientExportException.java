package io.github.jobmetrics.sample;

/**
 * A failure the next run of the export is expected to get past, configured in
 * {@code job-metrics.retry-exceptions} so that it counts as {@code result="retry"}.
 */
public class TransientExportException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public TransientExportException(String message) {
		super(message);
	}

}
