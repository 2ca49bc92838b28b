package io.github.jobmetrics.batch;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import io.github.jobmetrics.JobTracer;
import io.github.jobmetrics.internal.MeteringFailures;

import org.springframework.batch.core.job.AbstractJob;
import org.springframework.batch.core.step.AbstractStep;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Traces Spring Batch with no code in the jobs: every job execution and every step execution is a run, so that a
 * step counts in {@code job_worked_seconds_total} and {@code job_inflight} from the moment it starts, and its work
 * while it runs for hours is visible at every read. It adds a listener to each {@code Job} bean and each
 * {@code Step} bean (and each step of a job bean) that extends Spring Batch's {@link AbstractJob} or
 * {@link AbstractStep}, as every job and step that Batch's builders build does, through their public
 * {@code registerJobExecutionListener}/{@code registerStepExecutionListener}.
 * <p>
 * Which run counts worked time, so that no thread is counted twice (the nesting rule of traced runs: a thread
 * counts once, in the outermost run that has it in scope):
 * <ul>
 * <li>A step execution is a run of the job named {@code jobName.stepName} that counts the thread running the step,
 * from {@code beforeStep} to {@code afterStep}; what the step's tasklet, reader, processor or writer traces on that
 * thread ({@code @TracedJob}) is nested in it and adds no worked time.</li>
 * <li>A job execution is a run of its job name that encloses its steps: it counts as a run (executions, duration,
 * in flight, last success) but adds no worked time, which its steps count.</li>
 * <li>A partitioned step: each partition's step execution is a run of {@code jobName.workerStepName} on the thread
 * that runs it; the manager step encloses them, as a job does (a worker step is traced if it is a bean, as a
 * partitioned step's worker usually is).</li>
 * <li>A multi-threaded step (a chunk step with a {@code TaskExecutor}) is one run that counts each thread while it
 * works for the step: the step's thread until a chunk or an item starts on another thread; from then each executor
 * thread from the start to the end of each chunk it runs (a tasklet step) or item it processes (Batch 6's
 * chunk-oriented step), what it traces meanwhile nested, and the step's thread only for its own reads and writes, not
 * while it waits.</li>
 * <li>A job launched inside a traced run on the same thread (a {@code @Scheduled} method traced zero-code, say) is
 * counted by that run: its steps on that thread are nested in it and add no worked time.</li>
 * </ul>
 * Results from the execution's {@link org.springframework.batch.core.BatchStatus BatchStatus}: {@code COMPLETED}
 * is a success, {@code STOPPED} (and {@code ABANDONED}) {@code cancelled}, {@code FAILED} (and {@code UNKNOWN}) a
 * failure named by the first exception of the execution. The meters of the job beans that exist once all
 * singletons do, and of their steps, are built then, so that their series read 0 before the first run.
 *
 * @since 0.3.0
 */
public final class BatchJobMetrics implements BeanPostProcessor, SmartInitializingSingleton {

	private final BatchLine line;

	private final Supplier<JobTracer> tracer;

	// Each job and step is given one listener, whether it is reached as a bean, as a step of a job, or both.
	private final Set<Object> instrumented = Collections
		.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));

	private final List<AbstractJob> jobs = Collections.synchronizedList(new ArrayList<>());

	private BatchJobMetrics(BatchLine line, Supplier<JobTracer> tracer) {
		this.line = line;
		this.tracer = tracer;
	}

	/**
	 * Creates the tracing of Spring Batch 6 (Spring Boot 4), whose listener interfaces are in
	 * {@code org.springframework.batch.core.listener}.
	 * @param tracer supplies the tracer that records each run
	 * @param classLoader the class loader of Spring Batch
	 * @return the post-processor of job and step beans
	 */
	public static BatchJobMetrics batch6(Supplier<JobTracer> tracer, ClassLoader classLoader) {
		return new BatchJobMetrics(BatchLine.batch6(classLoader), tracer);
	}

	/**
	 * Creates the tracing of Spring Batch 5 (Spring Boot 3.5), whose listener interfaces are in
	 * {@code org.springframework.batch.core}.
	 * @param tracer supplies the tracer that records each run
	 * @param classLoader the class loader of Spring Batch
	 * @return the post-processor of job and step beans
	 */
	public static BatchJobMetrics batch5(Supplier<JobTracer> tracer, ClassLoader classLoader) {
		return new BatchJobMetrics(BatchLine.batch5(classLoader), tracer);
	}

	// After initialisation, once the job or step is built. Where the listener of a job or step stands among the
	// application's does not depend on when it is added: it is Ordered first, and ends its run whatever theirs throw
	// (BatchRunListener). The listener of the ends of a step's work comes after the application's listeners
	// registered before it, those of the step's builder, so it hears each end before they do (BatchLine.registerWork).
	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof AbstractJob job) {
			instrument(job);
		}
		else if (bean instanceof AbstractStep step) {
			instrument(step);
		}
		return bean;
	}

	@Override
	public void afterSingletonsInstantiated() {
		List<AbstractJob> known;
		synchronized (this.jobs) {
			known = List.copyOf(this.jobs);
		}
		for (AbstractJob job : known) {
			try {
				JobTracer tracer = this.tracer.get();
				tracer.register(job.getName(), null);
				for (String step : job.getStepNames()) {
					tracer.register(BatchRunListener.stepRunName(job.getName(), step), null);
				}
			}
			catch (RuntimeException | LinkageError ex) {
				MeteringFailures.log("register the meters of Spring Batch job '" + job.getName() + "'", ex);
			}
		}
	}

	private void instrument(AbstractJob job) {
		if (!this.instrumented.add(job)) {
			return;
		}
		try {
			this.line.register(job, BatchRunListener.ofJob(this.line, this.tracer, job.getName()).proxy());
			this.jobs.add(job);
		}
		catch (ReflectiveOperationException | RuntimeException | LinkageError ex) {
			MeteringFailures.log("add the job-metrics listener to Spring Batch job '" + job.getName() + "'", ex);
			return;
		}
		// Steps built inside the job's bean method are no beans of their own.
		for (String name : job.getStepNames()) {
			try {
				if (this.line.step(job, name) instanceof AbstractStep step) {
					instrument(step);
				}
			}
			catch (ReflectiveOperationException | RuntimeException | LinkageError ex) {
				MeteringFailures.log("find step '" + name + "' of Spring Batch job '" + job.getName() + "'", ex);
			}
		}
	}

	private void instrument(AbstractStep step) {
		if (!this.instrumented.add(step)) {
			return;
		}
		try {
			BatchRunListener listener = BatchRunListener.ofStep(this.line, this.tracer, step.getName(),
					this.line.isPartitionManager(step));
			this.line.register(step, listener.proxy());
			if (!this.line.isPartitionManager(step)) {
				// The chunks or items that a multi-threaded step hands to its executor's threads.
				this.line.registerWork(step, listener, listener.ends());
			}
		}
		catch (ReflectiveOperationException | RuntimeException | LinkageError ex) {
			MeteringFailures.log("add the job-metrics listener to Spring Batch step '" + step.getName() + "'", ex);
		}
	}

}
