package io.github.jobmetrics.internal;

/**
 * A run that makes something current on its thread while the body of its job runs there, such as the span of an
 * Observation, so that what the job starts on that thread (a database call, an outgoing message) is its child.
 * {@link TracedRunScope} opens it where the run's body starts and closes it where the body ends, on the same
 * thread. Internal to job-metrics, not API.
 * <p>
 * A class rather than an interface because every traced run is asked whether it is one, and most are not: a type
 * test against a class is one comparison, while a failed test against an interface makes Java 17 search the
 * interfaces of the run's class (JDK-8180450 made that a table lookup in later JDKs). On Java 17 that search was
 * about 22 ns of a {@code @TracedJob} call's 157.
 */
public abstract class ScopedRun {

	/**
	 * Makes this run current on the calling thread. Must not throw.
	 */
	public abstract void openScope();

	/**
	 * Undoes the last {@link #openScope()} on the calling thread. Must not throw.
	 */
	public abstract void closeScope();

}
