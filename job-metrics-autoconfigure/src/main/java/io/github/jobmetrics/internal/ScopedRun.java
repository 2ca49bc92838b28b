package io.github.jobmetrics.internal;

/**
 * A run that makes something current on its thread while the body of its job runs there, such as the span of an
 * Observation, so that what the job starts on that thread (a database call, an outgoing message) is its child.
 * {@link TracedRunScope} opens it where the run's body starts and closes it where the body ends, on the same
 * thread. Internal to job-metrics, not API.
 */
public interface ScopedRun {

	/**
	 * Makes this run current on the calling thread. Must not throw.
	 */
	void openScope();

	/**
	 * Undoes the last {@link #openScope()} on the calling thread. Must not throw.
	 */
	void closeScope();

}
