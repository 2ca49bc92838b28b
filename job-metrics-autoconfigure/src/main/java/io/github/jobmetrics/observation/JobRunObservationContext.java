package io.github.jobmetrics.observation;

import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

/**
 * What an Observation of a job run knows: the job, the queue its work came from, and once the run has ended its
 * result and the exception it failed with. Read by a {@link JobRunObservationConvention}.
 * <p>
 * The job name, queue and exception are the label values of the run's meters, capped as they are
 * ({@code job-metrics.max-job-names}, {@code max-queues}, {@code max-exception-names}): past a cap, {@code other}.
 * Whatever a handler makes of them (a span, a meter) has no more distinct values than the starter's own series. The
 * name the caller gave is {@link #getRequestedJobName()}.
 *
 * @since 0.3.0
 */
public class JobRunObservationContext extends Observation.Context {

	private final String jobName;

	private final String queue;

	private final String requestedJobName;

	private volatile @Nullable String result;

	private volatile @Nullable String exception;

	/**
	 * Creates the context of one run whose job name is its label.
	 * @param jobName the job name
	 * @param queue the queue, {@code none} when the work came from no queue
	 */
	public JobRunObservationContext(String jobName, String queue) {
		this(jobName, queue, jobName);
	}

	/**
	 * Creates the context of one run.
	 * @param jobName the job name as the run's meters label it: the requested name, or {@code other} past the cap
	 * @param queue the queue as the run's meters label it, {@code none} when the work came from no queue
	 * @param requestedJobName the job name the run was started with
	 * @since 0.3.0
	 */
	public JobRunObservationContext(String jobName, String queue, String requestedJobName) {
		this.jobName = jobName;
		this.queue = queue;
		this.requestedJobName = requestedJobName;
	}

	/**
	 * Returns the name of the run's job as its {@code job_name} label reads: {@code other} once
	 * {@code job-metrics.max-job-names} distinct names have been seen.
	 * @return the job name
	 */
	public String getJobName() {
		return this.jobName;
	}

	/**
	 * Returns the job name the run was started with, which differs from {@link #getJobName()} only when that was
	 * folded into {@code other}. Unbounded: a high-cardinality value, never a meter tag.
	 * @return the requested job name
	 * @since 0.3.0
	 */
	public String getRequestedJobName() {
		return this.requestedJobName;
	}

	/**
	 * Returns the queue the run's work came from as its {@code queue} label reads, {@code none} when none.
	 * @return the queue
	 */
	public String getQueue() {
		return this.queue;
	}

	/**
	 * Returns the run's result as {@code job_executions_total} counts it ({@code success}, {@code failure},
	 * {@code retry} or {@code cancelled}), or {@code null} while the run is in progress.
	 * @return the result, {@code null} before the run ends
	 */
	public @Nullable String getResult() {
		return this.result;
	}

	/**
	 * Returns the exception the run failed with as {@code job_exceptions_total} labels it (its simple class name, or
	 * {@code other} past {@code job-metrics.max-exception-names}), or {@code null} if the run has not ended, did not
	 * fail or was cancelled.
	 * @return the exception label, or {@code null}
	 * @since 0.3.0
	 */
	public @Nullable String getException() {
		return this.exception;
	}

	void setResult(String result) {
		this.result = result;
	}

	void setException(@Nullable String exception) {
		this.exception = exception;
	}

}
