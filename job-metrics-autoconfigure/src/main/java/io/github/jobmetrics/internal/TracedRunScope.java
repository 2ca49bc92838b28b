package io.github.jobmetrics.internal;

import io.github.jobmetrics.JobRun;
import io.github.jobmetrics.JobTracer;
import org.jspecify.annotations.Nullable;

/**
 * Whether the current thread is inside the body of a traced run: between the start of a run by
 * {@code JobTracer.trace(...)} or a {@code @TracedJob} method and its end. A run started there is nested: it
 * still counts as a run, but adds nothing to {@code job.worked}, because the enclosing run already counts this
 * thread ("outer run wins"), so that the sum of worked time over all jobs never counts one thread twice.
 * <p>
 * Scopes are lexical: enter right after the run started, exit in a {@code finally} before it is closed.
 * A run from a plain {@code JobTracer.start(...)} opens no scope, since it may be handed to another thread.
 * A {@link ScopedRun} (a run with an Observation) also makes itself current on the thread between enter and exit.
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
	// holds nothing of its class loader. The depth is its middle element, 128 bytes from either end: a garbage
	// collection may move the arrays of two threads next to each other, and two threads that write one cache line
	// at every run slow each other down as if they shared a lock (a @TracedJob proxy on two threads: 150 ns a
	// call until a collection put their one-element arrays side by side, 510 ns after).
	private static final int SLOT = 32;

	private static final ThreadLocal<int[]> depth = new ThreadLocal<>();

	// The innermost run on this thread whose own scope (an Observation's) is open, linked to those around it; unset
	// when none is. Only ScopedRuns go here, and only while their body runs, so no thread keeps one afterwards.
	private static final ThreadLocal<@Nullable OpenScope> scopes = new ThreadLocal<>();

	// Until the first ScopedRun is entered, exit() skips the lookup of scopes: without an ObservationRegistry a run
	// pays nothing for them.
	private static volatile boolean scopesUsed;

	// The runs whose scope is open on this thread, two slots per depth (index 0 the outermost): the run, then what
	// the locks it asked for said (null: none asked, FALSE: refused and none granted, TRUE: one granted). Only kept
	// once something reports locks (trackRuns()), so that without a distributed lock a run pays nothing for them.
	// Each slot is cleared when its scope exits, so no thread keeps a run afterwards; an Object[] holding Booleans,
	// like depth's int[], so that what a thread keeps is of no class of ours.
	private static final ThreadLocal<@Nullable Object[]> runs = new ThreadLocal<>();

	private static volatile boolean runsTracked;

	private TracedRunScope() {
	}

	/**
	 * Enters the scope of the given run on the current thread, unless it is the {@link JobRun#noop() no-op
	 * run}: a run that is not traced must not hide the runs nested in it.
	 * @param run the run that has just started
	 * @return the depth to give back to {@link #exit(int)}
	 */
	public static int enter(JobRun run) {
		return enter(run, depth());
	}

	/**
	 * Returns the current thread's depth of traced scopes, in an array that this thread keeps and changes in place:
	 * for a caller that decides whether its run is nested ({@link #isOpen(int[])}) before starting it, then enters
	 * and exits its scope with the same array, so that the three cost one thread-local lookup rather than three.
	 * @return the depth of this thread, only to be used on it
	 */
	public static int[] depth() {
		int[] current = depth.get();
		if (current == null) {
			current = new int[2 * SLOT];
			depth.set(current);
		}
		return current;
	}

	/**
	 * Enters the scope of the given run, as {@link #enter(JobRun)} does, with this thread's {@link #depth()}.
	 * @param run the run that has just started
	 * @param current what {@link #depth()} returned on this thread
	 * @return the depth to give back to {@link #exit(int, int[])}
	 */
	public static int enter(JobRun run, int[] current) {
		int outer = current[SLOT];
		if (run != JobRun.noop()) {
			if (outer == 0) {
				// The first traced run of a task handed to an executor: the task's wait in its queue is this run's.
				ExecutorQueueWaits.observe(run);
			}
			current[SLOT] = outer + 1;
			if (runsTracked) {
				push(run, outer);
			}
		}
		if (run instanceof ScopedRun scoped) {
			open(scoped, outer);
		}
		return outer;
	}

	/**
	 * Starts a run that encloses other runs, such as a Spring Batch job execution around its step executions: it
	 * counts as a run (executions, duration, in flight, last success) but adds no worked time, as a nested run does,
	 * since the runs it encloses count the threads that do its work, on this thread or others. It opens no scope, so
	 * that the runs started on this thread while it lasts count their worked time.
	 * @param tracer the tracer to start the run with
	 * @param jobName the job name
	 * @param queue the queue, or {@code null} for none
	 * @return the run in progress
	 */
	public static JobRun startEnclosing(JobTracer tracer, String jobName, @Nullable String queue) {
		int[] current = depth();
		// The tracer decides at start whether a run is nested; only the depth is raised, so that no scope's run
		// (kept for locks) or Observation is touched.
		current[SLOT]++;
		try {
			return tracer.start(jobName, queue);
		}
		finally {
			current[SLOT]--;
		}
	}

	/**
	 * Leaves the scope entered by the {@link #enter(JobRun)} that returned the given depth. Restoring the depth,
	 * rather than counting down, keeps the thread balanced even if an inner scope was left open.
	 * @param outer what {@link #enter(JobRun)} returned
	 */
	public static void exit(int outer) {
		int[] current = depth.get();
		if (current != null) {
			current[SLOT] = outer;
		}
		closeFrom(outer);
	}

	/**
	 * Leaves the scope entered by the {@link #enter(JobRun, int[])} that returned the given depth.
	 * @param outer what {@link #enter(JobRun, int[])} returned
	 * @param current the same {@link #depth()} given to it
	 */
	public static void exit(int outer, int[] current) {
		current[SLOT] = outer;
		closeFrom(outer);
	}

	private static void closeFrom(int outer) {
		if (scopesUsed) {
			close(outer);
		}
		if (runsTracked) {
			pop(outer);
		}
	}

	/**
	 * Keeps, from now on, the run of each scope that is entered, for {@link #lockRefused()} and
	 * {@link #lockAcquired()} to find: for an integration that learns on the thread of a run whether a lock that
	 * guards its work was granted.
	 */
	public static void trackRuns() {
		if (!runsTracked) {
			runsTracked = true;
		}
	}

	/**
	 * Reports that a lock was refused on this thread (another instance holds it). When the innermost run in scope
	 * here leaves its scope having been refused a lock and granted none, it is marked
	 * {@link JobRun#skipped() skipped}: the lock kept it from its work. A run granted a lock (before or after) did
	 * work under it, and stays a run.
	 */
	public static void lockRefused() {
		int slot = innermostSlot();
		if (slot >= 0) {
			@Nullable Object[] open = runs.get();
			if (open[slot + 1] == null) {
				open[slot + 1] = Boolean.FALSE;
			}
		}
	}

	/**
	 * Reports that a lock was granted on this thread: the innermost run in scope here did work under it.
	 */
	public static void lockAcquired() {
		int slot = innermostSlot();
		if (slot >= 0) {
			runs.get()[slot + 1] = Boolean.TRUE;
		}
	}

	// The index of the innermost run in scope on this thread, -1 if none was kept.
	private static int innermostSlot() {
		int[] current = depth.get();
		@Nullable Object[] open = runs.get();
		if (current == null || open == null || current[SLOT] == 0) {
			return -1;
		}
		int slot = (current[SLOT] - 1) * 2;
		return (slot + 1 < open.length && open[slot] != null) ? slot : -1;
	}

	private static void push(JobRun run, int depth) {
		@Nullable Object[] open = runs.get();
		int slot = depth * 2;
		if (open == null || open.length <= slot + 1) {
			@Nullable Object[] grown = new Object[Math.max(8, slot * 2 + 2)];
			if (open != null) {
				System.arraycopy(open, 0, grown, 0, open.length);
			}
			open = grown;
			runs.set(open);
		}
		open[slot] = run;
		open[slot + 1] = null;
	}

	// Every run in scope at this depth or deeper leaves it: one refused its lock and granted none is skipped.
	private static void pop(int outer) {
		@Nullable Object[] open = runs.get();
		if (open == null) {
			return;
		}
		for (int slot = outer * 2; slot + 1 < open.length && open[slot] != null; slot += 2) {
			if (open[slot + 1] == Boolean.FALSE) {
				skip((JobRun) open[slot]);
			}
			open[slot] = null;
			open[slot + 1] = null;
		}
	}

	private static void skip(JobRun run) {
		try {
			run.skipped();
		}
		catch (RuntimeException | LinkageError ex) {
			MeteringFailures.log("mark a run that was refused its lock as skipped", ex);
		}
	}

	private static void open(ScopedRun run, int depth) {
		if (!scopesUsed) {
			scopesUsed = true;
		}
		scopes.set(new OpenScope(run, depth, scopes.get()));
		run.openScope();
	}

	// Closes every scope entered at this depth or deeper, innermost first: also those an inner body left open.
	private static void close(int outer) {
		OpenScope top = scopes.get();
		if (top == null) {
			return;
		}
		while (top != null && top.depth() >= outer) {
			top.run().closeScope();
			top = top.outer();
		}
		if (top == null) {
			scopes.remove();
		}
		else {
			scopes.set(top);
		}
	}

	/**
	 * Returns whether the current thread is inside the scope of a traced run, so that a run starting now is
	 * nested in it.
	 * @return {@code true} inside the scope of a traced run
	 */
	public static boolean isOpen() {
		int[] current = depth.get();
		return current != null && isOpen(current);
	}

	/**
	 * Returns whether the thread whose {@link #depth()} this is is inside the scope of a traced run.
	 * @param current what {@link #depth()} returned on this thread
	 * @return {@code true} inside the scope of a traced run
	 */
	public static boolean isOpen(int[] current) {
		return current[SLOT] > 0;
	}

	/**
	 * Puts the current thread in scope without a run, until {@link #restoreDepth(int)}: for a thread that works for
	 * a run in flight on another thread, and is counted as such (a worker of a multi-threaded Spring Batch step), so
	 * that the runs it starts meanwhile are nested and add no worked time. Only the depth is raised: no run is kept
	 * for locks, no Observation is opened.
	 * @return the depth to give back to {@link #restoreDepth(int)}
	 */
	public static int raiseDepth() {
		int[] current = depth();
		int outer = current[SLOT];
		current[SLOT] = outer + 1;
		return outer;
	}

	/**
	 * Gives the current thread back the depth it had before {@link #raiseDepth()}.
	 * @param outer what {@link #raiseDepth()} returned
	 */
	public static void restoreDepth(int outer) {
		int[] current = depth.get();
		if (current != null) {
			current[SLOT] = outer;
		}
	}

	private record OpenScope(ScopedRun run, int depth, @Nullable OpenScope outer) {
	}

}
