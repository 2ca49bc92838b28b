package io.github.jobmetrics.internal;

import java.lang.ref.Cleaner;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

import io.github.jobmetrics.JobRun;
import org.jspecify.annotations.Nullable;

/**
 * Ends a run when the stage its job returned completes, with the result the stage completes with: a success, the
 * real exception (unwrapped from {@link CompletionException} and {@link ExecutionException}), or a cancellation.
 * A stage that is still pending stays in flight, which {@code job_oldest_inflight_age_seconds} shows; one that is
 * dropped without ever completing (nothing references it any more, so nothing can complete it) is ended as
 * {@code cancelled} when the garbage collector reclaims it, so that it neither stays in flight forever nor keeps
 * its run in memory. Only a pending stage is watched for that, and only until it completes: a completed stage,
 * which the application may keep (a cached future), holds nothing of its ended run. Internal to job-metrics, not
 * API.
 *
 * @since 0.3.0
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
		Completion completion = new Completion(run, failuresAreFinal, jobName);
		try {
			stage.whenComplete(completion);
		}
		catch (RuntimeException | LinkageError ex) {
			MeteringFailures.log("follow the stage returned by job '" + jobName + "'", ex);
			return false;
		}
		// A stage that was complete has ended its run inside whenComplete: there is nothing left to abandon, and a
		// Cleaner action would keep the run reachable for as long as the application keeps the stage.
		if (!completion.ended()) {
			try {
				completion.follow(abandoned.register(stage, completion));
			}
			catch (RuntimeException | LinkageError ex) {
				// The run still ends with the stage; only a stage dropped while pending would stay in flight.
				MeteringFailures.log("watch the stage returned by job '" + jobName + "' for abandonment", ex);
			}
		}
		return true;
	}

	/**
	 * Ends the run once: when the stage completes, or, as the Cleaner's action, when the stage is dropped while still
	 * pending. On completion it deregisters itself from the Cleaner, so that nothing keeps the ended run reachable.
	 * Must not reference the stage, or the stage would never become unreachable. It is its own "ended" flag, the
	 * callback and the Cleaner's action: one object per run.
	 */
	private static final class Completion extends AtomicBoolean implements BiConsumer<Object, Throwable>, Runnable {

		private final JobRun run;

		private final boolean failuresAreFinal;

		private final String jobName;

		private volatile Cleaner.@Nullable Cleanable cleanable;

		Completion(JobRun run, boolean failuresAreFinal, String jobName) {
			this.run = run;
			this.failuresAreFinal = failuresAreFinal;
			this.jobName = jobName;
		}

		boolean ended() {
			return get();
		}

		// Registered after whenComplete, so the stage may have completed in between: then it found no Cleanable to
		// clean, and this does it. Cleaning twice is harmless (a Cleanable runs its action at most once).
		void follow(Cleaner.Cleanable cleanable) {
			this.cleanable = cleanable;
			if (ended()) {
				cleanable.clean();
			}
		}

		@Override
		public void accept(@Nullable Object value, @Nullable Throwable failure) {
			if (!compareAndSet(false, true)) {
				return;
			}
			try {
				if (failure != null) {
					mark(this.run, unwrap(failure), this.failuresAreFinal);
				}
			}
			catch (RuntimeException | LinkageError ex) {
				MeteringFailures.log("record the failure of a run of job '" + this.jobName + "'", ex);
			}
			end("end a run of job '" + this.jobName + "'");
			Cleaner.Cleanable registered = this.cleanable;
			if (registered != null) {
				// Deregisters the action, which finds the run ended and does nothing.
				registered.clean();
			}
		}

		// The Cleaner's action: the stage became unreachable while pending, so nothing can complete it.
		@Override
		public void run() {
			if (!compareAndSet(false, true)) {
				return;
			}
			try {
				this.run.cancelled();
			}
			catch (RuntimeException | LinkageError ex) {
				MeteringFailures.log("record the cancellation of an abandoned run of job '" + this.jobName + "'", ex);
			}
			end("end an abandoned run of job '" + this.jobName + "'");
		}

		private void end(String action) {
			try {
				this.run.close();
			}
			catch (RuntimeException | LinkageError ex) {
				MeteringFailures.log(action, ex);
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
