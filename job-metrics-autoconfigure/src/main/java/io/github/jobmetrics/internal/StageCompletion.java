package io.github.jobmetrics.internal;

import java.lang.ref.Cleaner;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

import io.github.jobmetrics.JobRun;

/**
 * Ends a run when the stage its job returned completes, with the result the stage completes with: a success, the
 * real exception (unwrapped from {@link CompletionException} and {@link ExecutionException}), or a cancellation.
 * A stage that is still pending stays in flight, which {@code job_oldest_inflight_age_seconds} shows; one that is
 * dropped without ever completing (nothing references it any more, so nothing can complete it) is ended as
 * {@code cancelled} when the garbage collector reclaims it, so that it neither stays in flight forever nor keeps
 * its run in memory. Internal to job-metrics, not API.
 *
 * @since 0.1.0
 */
public final class StageCompletion {

	private static final Cleaner abandoned = Cleaner.create();

	private StageCompletion() {
	}

	/**
	 * Ends the run when the stage completes.
	 * @param run the run of the job that returned the stage
	 * @param stage what the job returned
	 * @param failuresAreFinal whether a failure is never retried (the job's retry policy cannot see it), rather
	 * than classified by {@link JobRun#failed(Throwable)}
	 * @param jobName the job's name, for the log
	 * @return whether the run will end with the stage; {@code false} if the stage refused the callback, in which
	 * case the caller must end the run itself
	 */
	public static boolean endWhenComplete(JobRun run, CompletionStage<?> stage, boolean failuresAreFinal,
			String jobName) {
		try {
			stage.whenComplete((value, failure) -> {
				try {
					if (failure != null) {
						mark(run, unwrap(failure), failuresAreFinal);
					}
				}
				catch (RuntimeException | LinkageError ex) {
					MeteringFailures.log("record the failure of a run of job '" + jobName + "'", ex);
				}
				try {
					run.close();
				}
				catch (RuntimeException | LinkageError ex) {
					MeteringFailures.log("end a run of job '" + jobName + "'", ex);
				}
			});
			abandoned.register(stage, new Abandoned(run, jobName));
			return true;
		}
		catch (RuntimeException | LinkageError ex) {
			MeteringFailures.log("follow the stage returned by job '" + jobName + "'", ex);
			return false;
		}
	}

	// Must not reference the stage, or the stage would never become unreachable. Ending a run that already ended
	// changes nothing.
	private record Abandoned(JobRun jobRun, String jobName) implements Runnable {

		@Override
		public void run() {
			try {
				this.jobRun.cancelled();
				this.jobRun.close();
			}
			catch (RuntimeException | LinkageError ex) {
				MeteringFailures.log("end an abandoned run of job '" + this.jobName + "'", ex);
			}
		}

	}

	private static void mark(JobRun run, Throwable failure, boolean failuresAreFinal) {
		if (failure instanceof CancellationException) {
			run.cancelled();
		}
		else if (failuresAreFinal) {
			run.failedWithoutRetry(failure);
		}
		else {
			run.failed(failure);
		}
	}

	private static Throwable unwrap(Throwable failure) {
		Throwable cause = failure;
		while ((cause instanceof CompletionException || cause instanceof ExecutionException)
				&& cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause;
	}

}
