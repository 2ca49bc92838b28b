package io.github.jobmetrics.internal;

import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Logs failures of the metrics code itself, which must never reach the job being measured. The first one
 * is logged as a warning with its stack trace; later ones only at debug level, so that a broken registry
 * cannot flood the log of a busy worker. Internal to job-metrics, not API.
 *
 * @since 0.3.0
 */
public final class MeteringFailures {

	private static final Log logger = LogFactory.getLog(MeteringFailures.class);

	private static final AtomicBoolean warned = new AtomicBoolean();

	private MeteringFailures() {
	}

	/**
	 * Logs a failure of job-metrics' own code.
	 * @param action what job-metrics was doing, completing "job-metrics failed to ..."
	 * @param failure what it threw
	 */
	public static void log(String action, Throwable failure) {
		if (warned.compareAndSet(false, true)) {
			logger.warn("job-metrics failed to " + action
					+ "; the job itself is unaffected. Later failures are logged at debug level.", failure);
		}
		else if (logger.isDebugEnabled()) {
			logger.debug("job-metrics failed to " + action, failure);
		}
	}

}
