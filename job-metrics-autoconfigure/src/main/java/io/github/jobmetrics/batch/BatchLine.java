package io.github.jobmetrics.batch;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.AbstractJob;
import org.springframework.batch.core.step.AbstractStep;
import org.springframework.core.Ordered;
import org.springframework.util.ClassUtils;

/**
 * The types of one line of Spring Batch that moved between Batch 5 and Batch 6, and the methods of them that
 * job-metrics calls. Spring Batch 6 moved {@code Job}, {@code Step}, their executions and their listener interfaces
 * out of {@code org.springframework.batch.core} into {@code .job}, {@code .step} and {@code .listener}, but kept
 * {@link AbstractJob}, {@link AbstractStep} and {@link BatchStatus} where they were, and every method name: so one
 * implementation serves both lines, its listeners proxies of the line's interfaces, and this class is the only
 * place where the two lines differ.
 */
final class BatchLine {

	/** Spring Batch 6 (Spring Boot 4.0 and 4.1). */
	static final String BATCH_6_STEP_LISTENER = "org.springframework.batch.core.listener.StepExecutionListener";

	/** Spring Batch 5 (Spring Boot 3.5). */
	static final String BATCH_5_STEP_LISTENER = "org.springframework.batch.core.StepExecutionListener";

	final Class<?> jobListener;

	final Class<?> stepListener;

	private final Class<?> partitionStep;

	private final Method registerJobListener;

	private final Method registerStepListener;

	private final Method getStep;

	private final Class<?> taskletStep;

	private final Method registerChunkListener;

	private final Class<?> chunkListener;

	// Spring Batch 6's chunk-oriented step and the item listeners it calls; null on Batch 5, which has none.
	private final @Nullable Class<?> chunkOrientedStep;

	private final Class<?>[] itemListeners;

	private final Method[] registerItemListeners;

	private final Method stepStatus;

	private final Method stepFailures;

	private final Method stepJobExecution;

	private final Method jobStatus;

	private final Method jobFailures;

	private final Method jobInstance;

	private final Method jobInstanceName;

	private BatchLine(ClassLoader classLoader, String listeners, String jobTypes, String stepTypes,
			String partitionStep) {
		this.jobListener = ClassUtils.resolveClassName(listeners + "JobExecutionListener", classLoader);
		this.stepListener = ClassUtils.resolveClassName(listeners + "StepExecutionListener", classLoader);
		this.partitionStep = ClassUtils.resolveClassName(partitionStep, classLoader);
		Class<?> jobExecution = ClassUtils.resolveClassName(jobTypes + "JobExecution", classLoader);
		Class<?> stepExecution = ClassUtils.resolveClassName(stepTypes + "StepExecution", classLoader);
		Class<?> instance = ClassUtils.resolveClassName(jobTypes + "JobInstance", classLoader);
		this.registerJobListener = method(AbstractJob.class, "registerJobExecutionListener", this.jobListener);
		this.registerStepListener = method(AbstractStep.class, "registerStepExecutionListener", this.stepListener);
		this.getStep = method(AbstractJob.class, "getStep", String.class);
		this.taskletStep = ClassUtils.resolveClassName("org.springframework.batch.core.step.tasklet.TaskletStep",
				classLoader);
		this.chunkListener = ClassUtils.resolveClassName(listeners + "ChunkListener", classLoader);
		this.registerChunkListener = method(this.taskletStep, "registerChunkListener", this.chunkListener);
		String chunkOriented = "org.springframework.batch.core.step.item.ChunkOrientedStep";
		if (ClassUtils.isPresent(chunkOriented, classLoader)) {
			this.chunkOrientedStep = ClassUtils.resolveClassName(chunkOriented, classLoader);
			this.itemListeners = new Class<?>[3];
			this.registerItemListeners = new Method[3];
			String[] kinds = { "Read", "Process", "Write" };
			for (int i = 0; i < kinds.length; i++) {
				this.itemListeners[i] = ClassUtils.resolveClassName(listeners + "Item" + kinds[i] + "Listener",
						classLoader);
				this.registerItemListeners[i] = method(this.chunkOrientedStep,
						"registerItem" + kinds[i] + "Listener", this.itemListeners[i]);
			}
		}
		else {
			this.chunkOrientedStep = null;
			this.itemListeners = new Class<?>[0];
			this.registerItemListeners = new Method[0];
		}
		this.stepStatus = method(stepExecution, "getStatus");
		this.stepFailures = method(stepExecution, "getFailureExceptions");
		this.stepJobExecution = method(stepExecution, "getJobExecution");
		this.jobStatus = method(jobExecution, "getStatus");
		this.jobFailures = method(jobExecution, "getAllFailureExceptions");
		this.jobInstance = method(jobExecution, "getJobInstance");
		this.jobInstanceName = method(instance, "getJobName");
	}

	static BatchLine batch6(ClassLoader classLoader) {
		return new BatchLine(classLoader, "org.springframework.batch.core.listener.",
				"org.springframework.batch.core.job.", "org.springframework.batch.core.step.",
				"org.springframework.batch.core.partition.PartitionStep");
	}

	static BatchLine batch5(ClassLoader classLoader) {
		return new BatchLine(classLoader, "org.springframework.batch.core.", "org.springframework.batch.core.",
				"org.springframework.batch.core.", "org.springframework.batch.core.partition.support.PartitionStep");
	}

	void register(AbstractJob job, Object listener) throws ReflectiveOperationException {
		this.registerJobListener.invoke(job, listener);
	}

	void register(AbstractStep step, Object listener) throws ReflectiveOperationException {
		this.registerStepListener.invoke(step, listener);
	}

	/**
	 * Gives the step two listeners of the work it may hand to other threads, as proxies of the line's interfaces
	 * with the given handlers: a tasklet step (a chunk step of Batch 5, or of Batch 6's deprecated builder) runs
	 * whole chunks on its {@code TaskExecutor}'s threads, and calls its {@code ChunkListener} there; Batch 6's
	 * chunk-oriented step reads and writes on its own thread and processes items on its executor's, calling its item
	 * listeners where each happens. Batch calls a step's listeners of a kind in order for a beginning and in reverse
	 * for an end: the {@link Ordered} ones first, then the others in the order they were registered. So the listener
	 * of the beginnings is {@link Ordered#HIGHEST_PRECEDENCE highest precedence}, the first of them, and that of the
	 * ends is not {@code Ordered}, registered after the application's (which the step's builder registered): the
	 * first of the ends, which no application listener that throws can keep from it.
	 * @param beginnings the handler of the first listener, which implements {@code Ordered}
	 * @param ends the handler of the second
	 * @return whether the step is of a kind that takes them
	 */
	boolean registerWork(AbstractStep step, InvocationHandler beginnings, InvocationHandler ends)
			throws ReflectiveOperationException {
		if (this.chunkOrientedStep != null && this.chunkOrientedStep.isInstance(step)) {
			Object first = proxy(beginnings, true, this.itemListeners);
			Object last = proxy(ends, false, this.itemListeners);
			for (Method register : this.registerItemListeners) {
				register.invoke(step, first);
				register.invoke(step, last);
			}
			return true;
		}
		if (this.taskletStep.isInstance(step)) {
			this.registerChunkListener.invoke(step, proxy(beginnings, true, this.chunkListener));
			this.registerChunkListener.invoke(step, proxy(ends, false, this.chunkListener));
			return true;
		}
		return false;
	}

	// Defined in the class loader of Spring Batch, which sees its interfaces and Spring's Ordered.
	private static Object proxy(InvocationHandler handler, boolean ordered, Class<?>... interfaces) {
		Class<?>[] types = ordered ? Arrays.copyOf(interfaces, interfaces.length + 1) : interfaces;
		if (ordered) {
			types[interfaces.length] = Ordered.class;
		}
		return Proxy.newProxyInstance(interfaces[0].getClassLoader(), types, handler);
	}

	@Nullable Object step(AbstractJob job, String name) throws ReflectiveOperationException {
		return this.getStep.invoke(job, name);
	}

	boolean isPartitionManager(AbstractStep step) {
		return this.partitionStep.isInstance(step);
	}

	BatchStatus stepStatus(Object stepExecution) throws ReflectiveOperationException {
		return (BatchStatus) this.stepStatus.invoke(stepExecution);
	}

	@SuppressWarnings("unchecked")
	List<Throwable> stepFailures(Object stepExecution) throws ReflectiveOperationException {
		return (List<Throwable>) this.stepFailures.invoke(stepExecution);
	}

	String jobNameOfStep(Object stepExecution) throws ReflectiveOperationException {
		Object jobExecution = this.stepJobExecution.invoke(stepExecution);
		return (String) this.jobInstanceName.invoke(this.jobInstance.invoke(jobExecution));
	}

	BatchStatus jobStatus(Object jobExecution) throws ReflectiveOperationException {
		return (BatchStatus) this.jobStatus.invoke(jobExecution);
	}

	@SuppressWarnings("unchecked")
	List<Throwable> jobFailures(Object jobExecution) throws ReflectiveOperationException {
		return (List<Throwable>) this.jobFailures.invoke(jobExecution);
	}

	private static Method method(Class<?> type, String name, Class<?>... parameterTypes) {
		try {
			return type.getMethod(name, parameterTypes);
		}
		catch (NoSuchMethodException ex) {
			throw new IllegalStateException("Spring Batch's " + type.getName() + " has no public method " + name, ex);
		}
	}

}
