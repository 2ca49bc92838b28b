package io.github.jobmetrics;

import java.util.concurrent.Callable;

import org.jspecify.annotations.Nullable;

/**
 * Traces runs of jobs for code that cannot use {@link TracedJob @TracedJob}, such as a loop that pulls work
 * from a queue. Every run counts in {@code job_worked_seconds_total} from the moment it starts, so the rate
 * of that counter is the number of busy workers at any time, whatever the length of the runs.
 * <p>
 * A job is named by its {@code jobName} and {@code queue}; a {@code null} or empty queue is reported as
 * {@code none}. Implementations never let a metrics failure reach the traced job: the job's result and
 * exceptions pass through unchanged.
 *
 * @since 0.1.0
 */
public interface JobTracer {

	/**
	 * Starts a run of the given job. The caller must {@link JobRun#close() close} it, best with
	 * try-with-resources.
	 * @param jobName the job name, the {@code job_name} label
	 * @param queue the queue the work came from, or {@code null} for none
	 * @return the run in progress
	 */
	JobRun start(String jobName, @Nullable String queue);

	/**
	 * Builds the meters of a job ahead of its first run, so that dashboards show 0 rather than no data.
	 * Does nothing by default.
	 * @param jobName the job name, the {@code job_name} label
	 * @param queue the queue the work comes from, or {@code null} for none
	 */
	default void register(String jobName, @Nullable String queue) {
	}

	/**
	 * Starts a run of the given job, which takes no work from a queue.
	 * @param jobName the job name, the {@code job_name} label
	 * @return the run in progress
	 * @see #start(String, String)
	 */
	default JobRun start(String jobName) {
		return start(jobName, null);
	}

	/**
	 * Runs the given job as one traced run; an exception it throws marks the run failed and is rethrown
	 * unchanged.
	 * @param jobName the job name
	 * @param queue the queue the work came from, or {@code null} for none
	 * @param job the work
	 */
	default void trace(String jobName, @Nullable String queue, Runnable job) {
		try (JobRun run = start(jobName, queue)) {
			try {
				job.run();
			}
			catch (Throwable ex) {
				run.failed(ex);
				throw ex;
			}
		}
	}

	/**
	 * Calls the given job as one traced run and returns its result; an exception it throws marks the run
	 * failed and is rethrown unchanged.
	 * @param <T> the type of the result
	 * @param jobName the job name
	 * @param queue the queue the work came from, or {@code null} for none
	 * @param job the work
	 * @return what the job returned
	 * @throws Exception what the job threw
	 */
	default <T extends @Nullable Object> T trace(String jobName, @Nullable String queue, Callable<T> job)
			throws Exception {
		try (JobRun run = start(jobName, queue)) {
			try {
				return job.call();
			}
			catch (Throwable ex) {
				run.failed(ex);
				throw ex;
			}
		}
	}

}
