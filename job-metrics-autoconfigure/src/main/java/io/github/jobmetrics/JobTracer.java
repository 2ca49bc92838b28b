package io.github.jobmetrics;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import io.github.jobmetrics.internal.StageCompletion;
import io.github.jobmetrics.internal.TracedRunScope;
import org.jspecify.annotations.Nullable;

/**
 * Traces runs of jobs for code that cannot use {@link TracedJob @TracedJob}, such as a loop that pulls work
 * from a queue. Every run counts in {@code job_worked_seconds_total} from the moment it starts, so the rate
 * of that counter is the number of busy workers at any time, whatever the length of the runs.
 * <p>
 * A job is named by its {@code jobName} and {@code queue}; a {@code null} or empty queue is reported as
 * {@code none}. Implementations never let a metrics failure reach the traced job: the job's result and
 * exceptions pass through unchanged.
 * <p>
 * A thread is counted once in {@code job_worked_seconds_total}, however deeply traced runs nest: a run that
 * starts while the same thread is inside the body of a {@link #trace(String, String, Runnable) trace(...)} or
 * a {@code @TracedJob} method still counts as a run (executions, duration, in flight) but adds no worked time,
 * which the enclosing run already counts (the outer run wins). A run from {@link #start(String, String)}
 * opens no such scope, so it never hides other runs.
 *
 * @since 0.3.0
 */
public interface JobTracer {

	/**
	 * Starts a run of the given job. The caller must {@link JobRun#close() close} it, best with
	 * try-with-resources.
	 * <p>
	 * The run may be handed to another thread, so it opens no scope: runs started on this thread while it is
	 * open count their worked time as usual. Started inside the body of a
	 * {@link #trace(String, String, Runnable) trace(...)} or a {@code @TracedJob} method on this thread, the
	 * run adds no worked time at all, even if it outlives that body: the enclosing run counts this thread.
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
	 * unchanged. While the job runs, this thread is inside the run's scope: runs it starts on this thread, traced
	 * or not, add no worked time (see {@link JobTracer}).
	 * @param jobName the job name
	 * @param queue the queue the work came from, or {@code null} for none
	 * @param job the work
	 */
	default void trace(String jobName, @Nullable String queue, Runnable job) {
		try (JobRun run = start(jobName, queue)) {
			int outer = TracedRunScope.enter(run);
			try {
				job.run();
			}
			catch (Throwable ex) {
				run.failed(ex);
				throw ex;
			}
			finally {
				TracedRunScope.exit(outer);
			}
		}
	}

	/**
	 * Calls the given job as one traced run and returns its result; an exception it throws marks the run
	 * failed and is rethrown unchanged. While the job runs, this thread is inside the run's scope, as for
	 * {@link #trace(String, String, Runnable)}.
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
			int outer = TracedRunScope.enter(run);
			try {
				return job.call();
			}
			catch (Throwable ex) {
				run.failed(ex);
				throw ex;
			}
			finally {
				TracedRunScope.exit(outer);
			}
		}
	}

	/**
	 * Starts the given asynchronous job as one traced run that ends when the stage it returns completes, not when
	 * it returns: its worked seconds keep growing while the stage is pending. The run's result is how the stage
	 * completes: a success, a failure with the real exception (unwrapped from {@code CompletionException}), or
	 * {@code cancelled}. An exception thrown by the job itself ends the run at once and is rethrown unchanged. A
	 * stage that never completes leaves its run in flight, which {@code job_oldest_inflight_age_seconds} shows.
	 * @param <S> the type of the stage
	 * @param jobName the job name
	 * @param queue the queue the work came from, or {@code null} for none
	 * @param job starts the work and returns its stage
	 * @return the stage the job returned, unchanged
	 */
	default <S extends CompletionStage<?>> S traceAsync(String jobName, @Nullable String queue, Supplier<S> job) {
		JobRun run = start(jobName, queue);
		int outer = TracedRunScope.enter(run);
		boolean endsLater = false;
		try {
			S stage = job.get();
			endsLater = StageCompletion.endWhenComplete(run, stage, false, jobName);
			return stage;
		}
		catch (Throwable ex) {
			run.failed(ex);
			throw ex;
		}
		finally {
			TracedRunScope.exit(outer);
			if (!endsLater) {
				run.close();
			}
		}
	}

}
