package io.github.jobmetrics;

/**
 * One run of a job, started by {@link JobTracer#start(String, String)}. From its start until {@link #close()}
 * the run's elapsed time counts in {@code job_worked_seconds_total} whenever metrics are read, unless the run
 * is nested: started on a thread that is inside the body of another traced run, which already counts that
 * thread (see {@link JobTracer}).
 * <p>
 * A run ends as a success unless {@link #failed(Throwable)} or {@link #retrying(Throwable)} was called
 * before {@link #close()} (or it was {@link #skipped()}, which counts it nowhere). Closing a run more than once has no further effect. A run is meant to be used by
 * the thread that runs the job, but may be marked and closed by other threads: what was marked before
 * {@code close()} is what gets recorded.
 *
 * <pre class="code">
 * try (JobRun run = tracer.start("payment-sync", "payments")) {
 *     try {
 *         syncPayments();
 *     }
 *     catch (RuntimeException ex) {
 *         run.failed(ex);
 *         throw ex;
 *     }
 * }
 * </pre>
 *
 * @since 0.3.0
 */
public interface JobRun extends AutoCloseable {

	/**
	 * Marks this run as failed. It is counted with {@code result="retry"} when the exception is one of the
	 * configured {@code job-metrics.retry-exceptions} (or a subclass), with {@code result="failure"}
	 * otherwise.
	 * @param failure the exception the job ended with
	 */
	void failed(Throwable failure);

	/**
	 * Marks this run as a failed attempt that will be tried again: it is counted with
	 * {@code result="retry"}, whatever the exception.
	 * @param failure the exception the attempt ended with
	 */
	void retrying(Throwable failure);

	/**
	 * Marks this run as failed for good: it is counted with {@code result="failure"}, whatever the exception,
	 * because nothing will try it again (for example the last attempt of a retried method, or an exception
	 * that the retry policy excludes).
	 * @param failure the exception the run ended with
	 */
	void failedWithoutRetry(Throwable failure);

	/**
	 * Marks this run as cancelled before it finished, for example a future cancelled by its caller: it is counted
	 * with {@code result="cancelled"}, whatever else was marked.
	 */
	void cancelled();

	/**
	 * Marks this run as skipped: it did none of its job's work, because a guard decided that another instance does
	 * it (a distributed lock held elsewhere, such as ShedLock's). A skipped run is not a run of the job: closing it
	 * counts no execution, records no duration, adds no worked time and leaves {@code job_last_success_timestamp_seconds}
	 * where it was. The time it was in flight leaves {@code job_worked_seconds_total} when it ends; a read that saw
	 * that time keeps the counter from falling, which then holds still until work passes it. A run also marked as failed or cancelled is counted
	 * as that instead: it did something. Does nothing by default.
	 * @since 0.3.0
	 */
	default void skipped() {
	}

	/**
	 * Records when the work of this run was put on its queue, as Unix time in milliseconds (for example a JMS
	 * message's {@code JMSTimestamp}): observes {@code job_queue_wait_seconds}, the time from then to the start
	 * of this run, and moves {@code job_queue_last_enqueued_timestamp_seconds} forward to it if it is newer. A
	 * run that handles a batch calls it once per message. A wait below zero, which only clock skew between the
	 * producer and this process can cause, is recorded as 0 and counted in
	 * {@code job_queue_wait_clock_skew_total}. Does nothing by default.
	 * @param epochMillis when the work was enqueued, in milliseconds since the epoch
	 * @since 0.3.0
	 */
	default void enqueuedAt(long epochMillis) {
	}

	/**
	 * Ends this run: its whole duration becomes finished work and its execution is counted, unless it was
	 * {@link #skipped() skipped}.
	 */
	@Override
	void close();

	/**
	 * Returns a run that records nothing, for tracers that decline to trace a run and for tests.
	 * @return the shared no-op run
	 */
	static JobRun noop() {
		return NoopJobRun.INSTANCE;
	}

}

/**
 * The run of {@link JobRun#noop()}.
 */
enum NoopJobRun implements JobRun {

	INSTANCE;

	@Override
	public void failed(Throwable failure) {
	}

	@Override
	public void retrying(Throwable failure) {
	}

	@Override
	public void failedWithoutRetry(Throwable failure) {
	}

	@Override
	public void cancelled() {
	}

	@Override
	public void close() {
	}

}
