package io.github.jobmetrics.internal;

import org.jspecify.annotations.Nullable;

/**
 * A run that knows the label values its meters carry: the job name and queue as admitted under their caps (the
 * value itself, or {@code other} once a cap is reached), and after its end the exception label of its failure. A
 * decorator that reports the run elsewhere (the span of its Observation) uses them, so that a span and a series of
 * the same run match and nothing it feeds can make more distinct values than the caps allow. Each value is one the
 * meters already hold: reading it allocates nothing. Internal to job-metrics, not API.
 */
public interface LabeledRun {

	/**
	 * Returns the {@code job_name} label of the run's meters.
	 * @return the admitted job name, or {@code other}
	 */
	String jobNameLabel();

	/**
	 * Returns the {@code queue} label of the run's meters.
	 * @return the admitted queue, {@code none} for work from no queue, or {@code other}
	 */
	String queueLabel();

	/**
	 * Returns the {@code exception} label under which the run's failure was counted, once the run has ended.
	 * @return the admitted exception name or {@code other}; {@code null} if the run did not fail, was cancelled, or
	 * has not ended
	 */
	@Nullable String exceptionLabel();

}
