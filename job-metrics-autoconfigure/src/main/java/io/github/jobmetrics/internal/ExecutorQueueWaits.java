package io.github.jobmetrics.internal;

import java.util.concurrent.TimeUnit;

import io.github.jobmetrics.JobRun;
import io.micrometer.core.instrument.Clock;
import org.jspecify.annotations.Nullable;

/**
 * How long a task handed to an executor directly ({@code execute}, {@code submit}) waited in its queue, for the
 * first traced run the task starts: the async integration wraps each task when it is submitted, dating the
 * submission on the caller's thread; while the task runs on an executor thread, the outermost run that enters its
 * scope there ({@link TracedRunScope#enter(JobRun)}: a {@code @TracedJob} method, {@code JobTracer.trace(...)})
 * observes the wait, once. A task that starts no traced run records nothing, so that untraced work creates no
 * series. Internal to job-metrics, not API.
 */
public final class ExecutorQueueWaits {

	// The task running on this thread, set only while it runs. A class of ours in a thread local is safe here: the
	// task clears it (restores what an enclosing task, run by the caller, had set) before its thread goes back to
	// the pool.
	private static final ThreadLocal<@Nullable QueuedTask> running = new ThreadLocal<>();

	// Until the first task is wrapped, a run pays nothing for the lookup.
	private static volatile boolean used;

	private ExecutorQueueWaits() {
	}

	/**
	 * Wraps a task that is being handed to an executor, on the caller's thread.
	 * @param task the task
	 * @param clock the registry's clock, the one a run's start is measured with
	 * @return the task to queue instead
	 */
	public static Runnable queued(Runnable task, Clock clock) {
		if (!used) {
			used = true;
		}
		return new QueuedTask(task, clock, clock.wallTime());
	}

	/**
	 * Observes the queue wait of the task running on this thread, if any and not yet observed, for a run that has
	 * just started outside any other traced run.
	 * @param run the run
	 */
	static void observe(JobRun run) {
		if (!used) {
			return;
		}
		QueuedTask task = running.get();
		if (task != null && !task.observed) {
			task.observed = true;
			// A listener container on an executor's thread: its runs' waits are their messages', not the wait of
			// the container's long-lived consumer task.
			if (Deliveries.isUnderWay()) {
				return;
			}
			try {
				run.enqueuedAt(task.enqueuedAtForRunStartingNow());
			}
			catch (RuntimeException | LinkageError ex) {
				MeteringFailures.log("record the queue wait of a task handed to an executor", ex);
			}
		}
	}

	/**
	 * Marks the wait of the task running on this thread as observed by other means (an {@code @Async} call dates
	 * its own hand-over, a {@code @TracedJob(enqueuedAt)} has its own enqueue time), for a run that is about to
	 * enter its scope, so that the run observes one wait, its own.
	 */
	public static void claim() {
		if (used) {
			QueuedTask task = running.get();
			if (task != null) {
				task.observed = true;
			}
		}
	}

	private static final class QueuedTask implements Runnable {

		private final Runnable task;

		private final Clock clock;

		private final long submittedMillis;

		private long startedNanos;

		// Only read and written on the thread that runs the task.
		private boolean observed;

		QueuedTask(Runnable task, Clock clock, long submittedMillis) {
			this.task = task;
			this.clock = clock;
			this.submittedMillis = submittedMillis;
		}

		@Override
		public void run() {
			QueuedTask enclosing = running.get();
			this.startedNanos = this.clock.monotonicTime();
			running.set(this);
			try {
				this.task.run();
			}
			finally {
				if (enclosing != null) {
					running.set(enclosing);
				}
				else {
					running.remove();
				}
			}
		}

		// The tracer measures a wait up to the start of the run; the task may have done untraced work before it,
		// which is not queue wait: the submission is moved forward by that time, so that the wait ends when the
		// task left the queue.
		long enqueuedAtForRunStartingNow() {
			long inTask = Math.max(0, this.clock.monotonicTime() - this.startedNanos);
			return this.submittedMillis + TimeUnit.NANOSECONDS.toMillis(inTask);
		}

		@Override
		public String toString() {
			return this.task.toString();
		}

	}

}
