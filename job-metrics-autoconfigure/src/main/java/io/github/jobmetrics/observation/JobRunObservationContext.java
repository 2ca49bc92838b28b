package io.github.jobmetrics.observation;

import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

/**
 * What an Observation of a job run knows: the job, the queue its work came from, and once the run has ended its
 * result. Read by a {@link JobRunObservationConvention}.
 *
 * @since 0.2.0
 */
public class JobRunObservationContext extends Observation.Context {

	private final String jobName;

	private final String queue;

	private volatile @Nullable String result;

	/**
	 * Creates the context of one run.
	 * @param jobName the job name
	 * @param queue the queue, {@code none} when the work came from no queue
	 */
	public JobRunObservationContext(String jobName, String queue) {
		this.jobName = jobName;
		this.queue = queue;
	}

	/**
	 * Returns the name of the run's job, its {@code job_name} label.
	 * @return the job name
	 */
	public String getJobName() {
		return this.jobName;
	}

	/**
	 * Returns the queue the run's work came from, {@code none} when none.
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

	void setResult(String result) {
		this.result = result;
	}

}
