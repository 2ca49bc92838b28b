package io.github.jobmetrics.batch;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.github.jobmetrics.JobRun;
import io.github.jobmetrics.JobTracer;
import io.github.jobmetrics.internal.MeteringFailures;
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
				return "job-metrics listener of " + (this.step ? "step '" : "job '") + this.name + "'";
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
				this.open.put(execution, new OpenRun(TracedRunScope.startEnclosing(tracer, runName, null), -1, runName));
			}
			else {
				JobRun run = tracer.start(runName, null);
				// The step's body runs on this thread until afterStep: what it traces there is nested in this run.
				this.open.put(execution, new OpenRun(run, TracedRunScope.enter(run), runName));
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

	private record OpenRun(JobRun run, int outer, String name) {
	}

}
