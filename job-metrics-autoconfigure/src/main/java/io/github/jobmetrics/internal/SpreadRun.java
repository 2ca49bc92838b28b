package io.github.jobmetrics.internal;

/**
 * A run whose work may spread from its own thread to others that are no runs of their own, such as a multi-threaded
 * Spring Batch step, whose chunks or items an executor's threads process while the step's thread waits for them: the
 * run can stop counting its own thread, count each other thread while it works for the run, and add work known only
 * once it is over. All of it goes to the run's job, in {@code job.worked}; none of it is a run (no execution, no
 * duration, nothing in flight). Implemented by job-metrics' own runs; any other run (an application's tracer, the
 * no-op run) is not one, and keeps counting its thread. Internal to job-metrics, not API.
 */
public interface SpreadRun {

	/**
	 * Returns whether this run can spread; a decorator of a run that cannot answers {@code false}, and then none of
	 * the other methods may be called.
	 * @return {@code true} if the other methods count
	 */
	boolean spreads();

	/**
	 * Stops this run counting its own thread, for good: its worked time so far stays, and it stays in flight until
	 * it ends.
	 * @return the instant (of {@link #instant()}'s clock) from which it no longer counts its thread, or
	 * {@link Long#MIN_VALUE} if it was not counting it (nested in another run, stopped already, or ended)
	 */
	long stopCounting();

	/**
	 * Counts the current thread as working for this run's job from now until the piece ends.
	 * @return the piece, to {@link Piece#end() end} once, on any thread
	 */
	Piece startPiece();

	/**
	 * Returns the current instant of the monotonic clock this run counts with.
	 * @return the instant in nanoseconds
	 */
	long instant();

	/**
	 * Adds to this run's job the worked time from the given instant to now (none if the instant is later).
	 * @param since an instant of {@link #instant()}'s clock
	 */
	void addWorked(long since);

	/**
	 * A thread's piece of work for a spread run.
	 */
	interface Piece {

		/**
		 * Ends the piece: its thread counts no more. A second end does nothing. Must not throw.
		 */
		void end();

	}

}
