package io.github.jobmetrics.internal;

import io.github.jobmetrics.JobRun;

/**
 * Whether the current thread is inside the body of a traced run: between the start of a run by
 * {@code JobTracer.trace(...)} or a {@code @TracedJob} method and its end. A run started there is nested: it
 * still counts as a run, but adds nothing to {@code job.worked}, because the enclosing run already counts this
 * thread ("outer run wins"), so that the sum of worked time over all jobs never counts one thread twice.
 * <p>
 * Scopes are lexical: enter right after the run started, exit in a {@code finally} before it is closed.
 * A run from a plain {@code JobTracer.start(...)} opens no scope, since it may be handed to another thread.
 * Internal to job-metrics, not API.
 *
 * <pre class="code">
 * int outer = TracedRunScope.enter(run);
 * try {
 *     // the job
 * }
 * finally {
 *     TracedRunScope.exit(outer);
 * }
 * </pre>
 */
public final class TracedRunScope {

	// One int[] per thread, mutated in place, so that a run allocates nothing here after the first on its
	// thread. An int[] rather than a class of ours, so that a thread outliving a redeployed application
	// holds nothing of its class loader.
	private static final ThreadLocal<int[]> depth = new ThreadLocal<>();

	private TracedRunScope() {
	}

	/**
	 * Enters the scope of the given run on the current thread, unless it is the {@link JobRun#noop() no-op
	 * run}: a run that is not traced must not hide the runs nested in it.
	 * @param run the run that has just started
	 * @return the depth to give back to {@link #exit(int)}
	 */
	public static int enter(JobRun run) {
		int[] current = depth.get();
		if (current == null) {
			current = new int[1];
			depth.set(current);
		}
		int outer = current[0];
		if (run != JobRun.noop()) {
			current[0] = outer + 1;
		}
		return outer;
	}

	/**
	 * Leaves the scope entered by the {@link #enter(JobRun)} that returned the given depth. Restoring the depth,
	 * rather than counting down, keeps the thread balanced even if an inner scope was left open.
	 * @param outer what {@link #enter(JobRun)} returned
	 */
	public static void exit(int outer) {
		int[] current = depth.get();
		if (current != null) {
			current[0] = outer;
		}
	}

	/**
	 * Returns whether the current thread is inside the scope of a traced run, so that a run starting now is
	 * nested in it.
	 * @return {@code true} inside the scope of a traced run
	 */
	public static boolean isOpen() {
		int[] current = depth.get();
		return current != null && current[0] > 0;
	}

}
