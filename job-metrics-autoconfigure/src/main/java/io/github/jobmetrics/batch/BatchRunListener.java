package io.github.jobmetrics.batch;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.github.jobmetrics.JobRun;
import io.github.jobmetrics.JobTracer;
import io.github.jobmetrics.internal.MeteringFailures;
import io.github.jobmetrics.internal.SpreadRun;
import io.github.jobmetrics.internal.TracedRunScope;
import org.jspecify.annotations.Nullable;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.scope.context.JobContext;
import org.springframework.batch.core.scope.context.JobSynchronizationManager;
import org.springframework.batch.core.scope.context.StepContext;
import org.springframework.batch.core.scope.context.StepSynchronizationManager;
import org.springframework.core.Ordered;

/**
 * The listener of one job ({@code JobExecutionListener}) or one step ({@code StepExecutionListener}) of the Batch
 * line in use, as the invocation handler of a proxy of that line's interface: each execution is a run, from
 * {@code beforeJob}/{@code beforeStep} to {@code afterJob}/{@code afterStep}, which Spring Batch calls on the thread
 * that runs the execution, the second one in a {@code finally}.
 * <p>
 * Whatever the application's listeners throw, every execution is a run that ends. Batch calls an execution's
 * listeners in turn through a composite, {@link Ordered} ones first (by their order), then the others in the order
 * they were registered, and {@code afterJob}/{@code afterStep} in the reverse order; the first that throws ends the
 * turn, and Batch goes on without the listeners after it (it logs what {@code afterJob}/{@code afterStep} threw and
 * keeps the execution's status; what {@code beforeJob}/{@code beforeStep} threw fails the execution). So this
 * listener is {@link Ordered#HIGHEST_PRECEDENCE highest precedence}: the first {@code beforeJob}/{@code beforeStep},
 * which always starts its run, and thus the last {@code afterJob}/{@code afterStep}, which another listener's failure
 * skips. Its run then ends when Batch releases the execution's {@link JobContext}/{@link StepContext}, a callback
 * registered at the start, which Batch runs on the execution's thread once every listener had its turn.
 * <p>
 * A step execution's run is named {@code jobName.stepName}, after the step's own name (a partition's execution is
 * named {@code worker:partition0}, one per partition; its run is named after its step, {@code worker}), and opens
 * the scope of a traced run on its thread while the step runs, so that what its tasklet or items trace themselves
 * there ({@code @TracedJob}) is nested in it and adds no worked time. A job execution, and the manager step of a
 * partitioned step, only enclose runs: they count as runs but add no worked time and open no scope, since the steps
 * (the partitions) count the threads that do their work. Metrics failures are logged and never reach the job.
 */
final class BatchRunListener implements InvocationHandler {

	private static final String RELEASE_CALLBACK = BatchRunListener.class.getName();

	private final BatchLine line;

	private final Supplier<JobTracer> tracer;

	// The job's name for a job listener; the step's name for a step listener.
	private final String name;

	private final boolean step;

	private final boolean encloses;

	// jobName.stepName by job name: a step bean may run in several jobs. Bounded by the application's jobs.
	private final Map<String, String> runNames = new ConcurrentHashMap<>();

	// The run of each execution in progress, by the execution itself: partitions of one step run at once on several
	// threads, and a step that runs a job (JobStep) nests executions on one thread.
	private final Map<Object, OpenRun> open = Collections.synchronizedMap(new IdentityHashMap<>());

	// The work of each step execution whose run can spread to other threads, by its StepContext: the one context of
	// the execution, which Batch makes current on each thread that works for it (StepSynchronizationManager).
	private final Map<Object, Spread> spreads = Collections.synchronizedMap(new IdentityHashMap<>());

	// How many executions of this step are spread now: while none is, the step's own thread pays a volatile read per
	// chunk or item event, and no lookup.
	private final AtomicInteger spreadNow = new AtomicInteger();

	// The piece of work the current thread is counted in for an execution of this step, between the start and the
	// end of a chunk or an item; unset otherwise.
	private final ThreadLocal<@Nullable WorkerPiece> pieces = new ThreadLocal<>();

	private BatchRunListener(BatchLine line, Supplier<JobTracer> tracer, String name, boolean step, boolean encloses) {
		this.line = line;
		this.tracer = tracer;
		this.name = name;
		this.step = step;
		this.encloses = encloses;
	}

	static BatchRunListener ofJob(BatchLine line, Supplier<JobTracer> tracer, String jobName) {
		return new BatchRunListener(line, tracer, jobName, false, true);
	}

	static BatchRunListener ofStep(BatchLine line, Supplier<JobTracer> tracer, String stepName,
			boolean partitionManager) {
		return new BatchRunListener(line, tracer, stepName, true, partitionManager);
	}

	// A proxy of the line's listener interface, defined in the class loader of Spring Batch, which sees it and
	// Spring's Ordered.
	Object proxy() {
		Class<?> type = this.step ? this.line.stepListener : this.line.jobListener;
		return Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type, Ordered.class }, this);
	}

	/**
	 * The job name a step of the given job is traced as.
	 */
	static String stepRunName(String jobName, String stepName) {
		return jobName + "." + stepName;
	}

	@Override
	public @Nullable Object invoke(Object proxy, Method method, @Nullable Object[] args) throws Throwable {
		return handle(proxy, method, args, false);
	}

	/**
	 * The handler of the listener that hears the ends of the work of a step ({@link BatchLine#registerWork}); this
	 * listener's own proxies hear the beginnings, and the start and the end of each execution.
	 */
	InvocationHandler ends() {
		return (proxy, method, args) -> handle(proxy, method, args, true);
	}

	private @Nullable Object handle(Object proxy, Method method, @Nullable Object[] args, boolean ends)
			throws Throwable {
		switch (method.getName()) {
			case "beforeJob", "beforeStep" -> {
				if (args != null && args.length == 1 && args[0] != null) {
					started(args[0]);
				}
				return null;
			}
			case "afterJob", "afterStep" -> {
				if (args != null && args.length == 1 && args[0] != null) {
					ended(args[0]);
				}
				// afterStep: no change to the step's ExitStatus (ExitStatus.and(null) keeps it).
				return null;
			}
			// The work a step may hand to other threads: a chunk of a tasklet step, an item processed by a
			// chunk-oriented step, on whichever thread runs it...
			case "beforeChunk", "beforeProcess" -> {
				if (!ends) {
					workBegins();
				}
				return null;
			}
			case "afterChunk", "afterChunkError", "afterProcess", "onProcessError" -> {
				if (ends) {
					workEnds();
				}
				return null;
			}
			// ...and what a chunk-oriented step does on its own thread.
			case "beforeRead", "beforeWrite" -> {
				if (!ends) {
					stepWorkBegins();
				}
				return null;
			}
			case "afterRead", "onReadError", "afterWrite", "onWriteError" -> {
				if (ends) {
					stepWorkEnds();
				}
				return null;
			}
			case "getOrder" -> {
				return Ordered.HIGHEST_PRECEDENCE;
			}
			case "equals" -> {
				return args != null && proxy == args[0];
			}
			case "hashCode" -> {
				return System.identityHashCode(proxy);
			}
			case "toString" -> {
				return "job-metrics listener of " + (this.step ? "step '" : "job '") + this.name + "'"
						+ (ends ? " (ends of its work)" : "");
			}
			default -> {
				return method.isDefault() ? InvocationHandler.invokeDefault(proxy, method, args) : null;
			}
		}
	}

	private void started(Object execution) {
		String runName = this.name;
		try {
			if (this.step) {
				runName = runName(this.line.jobNameOfStep(execution));
			}
			JobTracer tracer = this.tracer.get();
			if (this.encloses) {
				// No scope, not even its span's (with a tracing bridge): Batch calls beforeJob inside the scope of its
				// own job observation and afterJob after closing it, so a scope opened here would outlive Batch's and
				// leave Batch's span current on the launching thread when the job is over.
				this.open.put(execution,
						new OpenRun(TracedRunScope.startEnclosing(tracer, runName, null), -1, runName, null));
			}
			else {
				JobRun run = tracer.start(runName, null);
				Spread spread = null;
				if (run instanceof SpreadRun spreading && spreading.spreads()) {
					StepContext context = StepSynchronizationManager.getContext();
					if (context != null) {
						spread = new Spread(spreading, context, this.spreadNow);
						this.spreads.put(context, spread);
					}
				}
				// The step's body runs on this thread until afterStep: what it traces there is nested in this run.
				this.open.put(execution, new OpenRun(run, TracedRunScope.enter(run), runName, spread));
			}
			endWhenReleased(execution);
		}
		catch (ReflectiveOperationException | RuntimeException | LinkageError ex) {
			MeteringFailures.log("start a run of Spring Batch " + (this.step ? "step '" : "job '") + runName + "'", ex);
		}
	}

	// Batch releases the context it registered for the execution before the first listener, in the finally that
	// calls the last, however the listeners ended: the run ends there if afterJob/afterStep did not come.
	private void endWhenReleased(Object execution) {
		Thread thread = Thread.currentThread();
		Runnable end = () -> {
			// JobOperator.stop releases a running step's context on the operator's thread as well, and the step goes
			// on: only the release on the execution's own thread ends its run (and exits its scope there).
			if (Thread.currentThread() == thread) {
				ended(execution);
			}
		};
		if (this.step) {
			StepContext context = StepSynchronizationManager.getContext();
			if (context != null) {
				context.registerDestructionCallback(RELEASE_CALLBACK, end);
			}
		}
		else {
			JobContext context = JobSynchronizationManager.getContext();
			if (context != null) {
				context.registerDestructionCallback(RELEASE_CALLBACK, end);
			}
		}
	}

	private void ended(Object execution) {
		OpenRun run = this.open.remove(execution);
		if (run == null) {
			// Its start failed, or never came (Batch calls afterJob also for an execution stopped before it began), or
			// it has ended already: in afterJob/afterStep, before the release of its context.
			return;
		}
		Spread spread = run.spread();
		if (spread != null) {
			try {
				this.spreads.remove(spread.context);
				spread.end();
			}
			catch (RuntimeException | LinkageError ex) {
				MeteringFailures.log("end the work of Spring Batch step '" + run.name() + "' on other threads", ex);
			}
		}
		if (run.outer() >= 0) {
			TracedRunScope.exit(run.outer());
		}
		try {
			if (this.step) {
				result(run.run(), this.line.stepStatus(execution), this.line.stepFailures(execution));
			}
			else {
				result(run.run(), this.line.jobStatus(execution), this.line.jobFailures(execution));
			}
		}
		catch (ReflectiveOperationException | RuntimeException | LinkageError ex) {
			MeteringFailures.log("record the result of a run of Spring Batch job '" + run.name() + "'", ex);
		}
		try {
			run.run().close();
		}
		catch (RuntimeException | LinkageError ex) {
			MeteringFailures.log("end a run of Spring Batch job '" + run.name() + "'", ex);
		}
	}

	// COMPLETED is a success; an execution that did not finish its work (stopped by an operator, or abandoned) is
	// cancelled; any other end (FAILED, UNKNOWN: the repository could not save it) is a failure, named by the first
	// exception the execution recorded.
	static void result(JobRun run, BatchStatus status, List<Throwable> failures) {
		switch (status) {
			case COMPLETED -> {
			}
			case STOPPING, STOPPED, ABANDONED -> run.cancelled();
			default -> run.failedWithoutRetry(failures.isEmpty() ? new BatchStatusFailure(status) : failures.get(0));
		}
	}

	private String runName(String jobName) {
		String runName = this.runNames.get(jobName);
		return (runName != null) ? runName
				: this.runNames.computeIfAbsent(jobName, (job) -> stepRunName(job, this.name));
	}

	// A chunk or an item begins on this thread. A thread in the scope of a traced run is counted by it: the step's
	// own thread (by the step's run, until the step spreads), or a thread whose traced run launched the job or runs
	// the work; any other thread that works for a step that can spread is counted in a piece of its own.
	private void workBegins() {
		try {
			WorkerPiece stale = this.pieces.get();
			if (stale != null) {
				// The end of this thread's last chunk or item did not reach the listener of the ends (a listener
				// registered after it threw): it ends now, and the thread leaves the scope it was put in.
				endPiece(stale);
			}
			if (TracedRunScope.isOpen()) {
				stepWorkBegins();
				return;
			}
			Spread spread = current();
			if (spread == null || spread.thread == Thread.currentThread()) {
				return;
			}
			SpreadRun.Piece piece = spread.begin();
			if (piece != null) {
				// What the work traces on this thread (a @TracedJob processor) is nested in the piece.
				this.pieces.set(new WorkerPiece(spread, piece, TracedRunScope.raiseDepth()));
			}
		}
		catch (RuntimeException | LinkageError ex) {
			MeteringFailures.log("count a thread that works for Spring Batch step '" + this.name + "'", ex);
		}
	}

	private void workEnds() {
		try {
			WorkerPiece open = this.pieces.get();
			if (open == null) {
				stepWorkEnds();
				return;
			}
			endPiece(open);
		}
		catch (RuntimeException | LinkageError ex) {
			MeteringFailures.log("count a thread that works for Spring Batch step '" + this.name + "'", ex);
		}
	}

	private void endPiece(WorkerPiece open) {
		this.pieces.remove();
		TracedRunScope.restoreDepth(open.outer());
		open.spread().end(open.piece());
	}

	// Work on the step's own thread: only once the step has spread does it count there (before, its run counts the
	// thread throughout).
	private void stepWorkBegins() {
		onStepThread(Spread::stepWorkBegins);
	}

	private void stepWorkEnds() {
		onStepThread(Spread::stepWorkEnds);
	}

	private void onStepThread(Consumer<Spread> action) {
		try {
			if (this.spreadNow.get() > 0) {
				Spread spread = current();
				if (spread != null && spread.thread == Thread.currentThread()) {
					action.accept(spread);
				}
			}
		}
		catch (RuntimeException | LinkageError ex) {
			MeteringFailures.log("count the work of Spring Batch step '" + this.name + "' on its thread", ex);
		}
	}

	private @Nullable Spread current() {
		StepContext context = StepSynchronizationManager.getContext();
		return (context != null) ? this.spreads.get(context) : null;
	}

	private record OpenRun(JobRun run, int outer, String name, @Nullable Spread spread) {
	}

	private record WorkerPiece(Spread spread, SpreadRun.Piece piece, int outer) {
	}

	/**
	 * The work of one step execution whose run can spread. Until a chunk or an item begins on another thread, the
	 * step's run counts the step's thread, as for any step. Once one does, the step has spread for good: its run
	 * stops counting its thread, which mostly waits for the others from then on, and each thread counts in a piece of
	 * its own from the start to the end of each chunk or item it runs. The step's thread still counts what it does
	 * itself, between the start and the end of each read, write, chunk or item there, added at the end: a read that
	 * finds no more items reports no end, and the wait that follows it must not count. The pieces still open when the
	 * step's run ends end with it.
	 */
	private static final class Spread {

		// No work of the step's thread known to be open; MIN_VALUE: open since before the step spread, if at all.
		private static final long CLOSED = Long.MAX_VALUE;

		private final SpreadRun run;

		private final Thread thread = Thread.currentThread();

		final Object context;

		// Guarded by this.
		private final List<SpreadRun.Piece> pieces = new ArrayList<>();

		private boolean ended;

		// Written before spread, read after it.
		private long spreadAt = Long.MIN_VALUE;

		private volatile boolean spread;

		// The step's thread's only.
		private long stepWorkFrom = Long.MIN_VALUE;

		// The listener's count of its executions spread now.
		private final AtomicInteger spreadNow;

		Spread(SpreadRun run, Object context, AtomicInteger spreadNow) {
			this.run = run;
			this.context = context;
			this.spreadNow = spreadNow;
		}

		synchronized SpreadRun.@Nullable Piece begin() {
			if (this.ended) {
				return null;
			}
			if (!this.spread) {
				this.spreadAt = this.run.stopCounting();
				this.spread = true;
				this.spreadNow.incrementAndGet();
			}
			SpreadRun.Piece piece = this.run.startPiece();
			this.pieces.add(piece);
			return piece;
		}

		void end(SpreadRun.Piece piece) {
			piece.end();
			synchronized (this) {
				this.pieces.remove(piece);
			}
		}

		void end() {
			List<SpreadRun.Piece> open;
			synchronized (this) {
				if (this.ended) {
					return;
				}
				this.ended = true;
				open = List.copyOf(this.pieces);
				this.pieces.clear();
				if (this.spread) {
					this.spreadNow.decrementAndGet();
				}
			}
			for (SpreadRun.Piece piece : open) {
				piece.end();
			}
		}

		void stepWorkBegins() {
			this.stepWorkFrom = this.spread ? this.run.instant() : Long.MIN_VALUE;
		}

		void stepWorkEnds() {
			long from = this.stepWorkFrom;
			this.stepWorkFrom = CLOSED;
			// spreadAt is MIN_VALUE if the step's run did not count its thread (it is nested in a run that launched
			// the job, which counts this thread): then neither does its work here.
			if (from != CLOSED && this.spread && this.spreadAt != Long.MIN_VALUE) {
				this.run.addWorked(Math.max(from, this.spreadAt));
			}
		}

	}

}
