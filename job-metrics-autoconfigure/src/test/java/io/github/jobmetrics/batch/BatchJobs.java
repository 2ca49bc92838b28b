package io.github.jobmetrics.batch;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import io.github.jobmetrics.TracedJob;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.AbstractJob;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.launch.JobLauncher;
import org.springframework.batch.core.partition.support.SimplePartitioner;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.AbstractStep;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.core.step.tasklet.MethodInvokingTaskletAdapter;
import org.springframework.batch.core.step.tasklet.TaskletStep;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.util.ClassUtils;

/**
 * The jobs of {@link BatchJobMetricsTests}, built with Spring Batch's builders as an application builds them. Written
 * with only the types that Spring Batch 5 and 6 keep in the same packages (builders, {@code AbstractJob},
 * {@code AbstractStep}, {@code TaskletStep}, {@code BatchStatus}), so that it compiles and runs on every Boot line;
 * a tasklet is a lambda that returns {@code null}, which Batch reads as {@code FINISHED}. Not a
 * {@code @Configuration} (its bean methods are read all the same when the test registers it): the applications of
 * other tests scan this package, and its jobs would be theirs too.
 */
@SuppressWarnings({ "deprecation", "removal" })
class BatchJobs {

	static final Duration TIMEOUT = Duration.ofSeconds(30);

	static final AtomicInteger taskletRuns = new AtomicInteger();

	static final AtomicInteger written = new AtomicInteger();

	static final Set<String> processingThreads = ConcurrentHashMap.newKeySet();

	static volatile CountDownLatch release = new CountDownLatch(0);

	static volatile CountDownLatch partitionsRunning = new CountDownLatch(0);

	static final AtomicLong runNumber = new AtomicLong();

	static final AtomicInteger listenerFailures = new AtomicInteger();

	static void reset() {
		taskletRuns.set(0);
		listenerFailures.set(0);
		firstAttempts.set(0);
		written.set(0);
		processingThreads.clear();
		release = new CountDownLatch(0);
		partitionsRunning = new CountDownLatch(0);
	}

	@Bean
	AbstractJob taskletJob(JobRepository repository, PlatformTransactionManager tx) {
		TaskletStep step = new StepBuilder("tasklet", repository).tasklet((contribution, chunk) -> {
			taskletRuns.incrementAndGet();
			return null;
		}, tx).build();
		return (AbstractJob) new JobBuilder("taskletJob", repository).start(step).build();
	}

	// Two steps, the second a chunk step of 25 items in chunks of 10.
	@Bean
	AbstractJob chunkJob(JobRepository repository, PlatformTransactionManager tx) {
		ConcurrentLinkedQueue<Integer> items = new ConcurrentLinkedQueue<>(IntStream.range(0, 25).boxed().toList());
		TaskletStep first = new StepBuilder("prepare", repository).tasklet((contribution, chunk) -> null, tx).build();
		TaskletStep chunked = new StepBuilder("chunk", repository).<Integer, Integer>chunk(10, tx)
			.reader(items::poll)
			.writer((chunk) -> written.addAndGet(chunk.size()))
			.build();
		return (AbstractJob) new JobBuilder("chunkJob", repository).start(first).next(chunked).build();
	}

	@Bean
	AbstractJob failingJob(JobRepository repository, PlatformTransactionManager tx) {
		TaskletStep step = new StepBuilder("failing", repository).tasklet((contribution, chunk) -> {
			throw new IllegalStateException("failed on purpose");
		}, tx).build();
		return (AbstractJob) new JobBuilder("failingJob", repository).start(step).build();
	}

	// An operator's stop, as JobOperator.stop asks it: the step execution is told to terminate.
	@Bean
	AbstractJob stoppedJob(JobRepository repository, PlatformTransactionManager tx) {
		TaskletStep step = new StepBuilder("stopping", repository).tasklet((contribution, chunk) -> {
			chunk.getStepContext().getStepExecution().setTerminateOnly();
			return null;
		}, tx).build();
		return (AbstractJob) new JobBuilder("stoppedJob", repository).start(step).build();
	}

	// A step bean of its own, which holds until the test releases it.
	@Bean
	TaskletStep latched(JobRepository repository, PlatformTransactionManager tx) {
		return new StepBuilder("latched", repository).tasklet((contribution, chunk) -> {
			release.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
			return null;
		}, tx).build();
	}

	@Bean
	AbstractJob latchedJob(JobRepository repository, TaskletStep latched) {
		return (AbstractJob) new JobBuilder("latchedJob", repository).start(latched).build();
	}

	@Bean(destroyMethod = "shutdown")
	ThreadPoolTaskExecutor batchWorkers() {
		ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
		executor.setCorePoolSize(4);
		executor.setThreadNamePrefix("batch-worker-");
		executor.initialize();
		return executor;
	}

	// The worker of a partitioned step, a bean as partitioned steps' workers usually are: each of its executions
	// holds until all three partitions run at once, then until the test releases them.
	@Bean
	TaskletStep worker(JobRepository repository, PlatformTransactionManager tx) {
		return new StepBuilder("worker", repository).tasklet((contribution, chunk) -> {
			partitionsRunning.countDown();
			partitionsRunning.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
			release.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
			return null;
		}, tx).build();
	}

	// The manager step is built inside the job's bean method: no bean of its own.
	@Bean
	AbstractJob partitionedJob(JobRepository repository, TaskletStep worker, ThreadPoolTaskExecutor batchWorkers) {
		AbstractStep manager = (AbstractStep) new StepBuilder("manager", repository)
			.partitioner("worker", new SimplePartitioner())
			.step(worker)
			.gridSize(3)
			.taskExecutor(batchWorkers)
			.build();
		return (AbstractJob) new JobBuilder("partitionedJob", repository).start(manager).build();
	}

	// A chunk step with a TaskExecutor: on Batch 6 its new chunk-oriented step, which processes the items of each
	// chunk on the executor's threads; on Batch 5 a tasklet step whose chunks run on the executor's threads.
	@Bean
	AbstractJob multiThreadedJob(JobRepository repository, PlatformTransactionManager tx,
			ThreadPoolTaskExecutor batchWorkers) {
		ConcurrentLinkedQueue<Integer> items = new ConcurrentLinkedQueue<>(IntStream.range(0, 40).boxed().toList());
		AbstractStep step = (AbstractStep) new StepBuilder("multiThreaded", repository).<Integer, Integer>chunk(5)
			.reader(items::poll)
			.processor((item) -> {
				processingThreads.add(Thread.currentThread().getName());
				return item;
			})
			.writer((chunk) -> written.addAndGet(chunk.size()))
			.transactionManager(tx)
			.taskExecutor(batchWorkers)
			.build();
		return (AbstractJob) new JobBuilder("multiThreadedJob", repository).start(step).build();
	}

	static final AtomicInteger firstAttempts = new AtomicInteger();

	// Its first step fails at its first attempt; restarted, it would pass.
	@Bean
	AbstractJob restartedJob(JobRepository repository, PlatformTransactionManager tx) {
		TaskletStep first = new StepBuilder("first", repository).tasklet((contribution, chunk) -> {
			if (firstAttempts.incrementAndGet() == 1) {
				throw new IllegalStateException("failed on purpose");
			}
			return null;
		}, tx).build();
		TaskletStep second = new StepBuilder("second", repository).tasklet((contribution, chunk) -> null, tx).build();
		return (AbstractJob) new JobBuilder("restartedJob", repository).start(first).next(second).build();
	}

	// A step bean and its job, to which an application adds its own listeners once they are beans, after job-metrics
	// added its own (see applicationListeners).
	@Bean
	TaskletStep listened(JobRepository repository, PlatformTransactionManager tx) {
		return new StepBuilder("listened", repository).tasklet((contribution, chunk) -> {
			taskletRuns.incrementAndGet();
			return null;
		}, tx).build();
	}

	@Bean
	AbstractJob listenedJob(JobRepository repository, TaskletStep listened) {
		return (AbstractJob) new JobBuilder("listenedJob", repository).start(listened).build();
	}

	// An application's listeners that throw in afterStep and afterJob, added to the step and the job once both are
	// beans (by a monitoring bean of its own, say): Batch calls each before job-metrics', by the order of
	// registration, and no listener after one that throws.
	@Bean
	Object applicationListeners(TaskletStep listened, AbstractJob listenedJob) throws ReflectiveOperationException {
		addFailingListener(listened, "afterStep");
		addFailingListener(listenedJob, "afterJob");
		return new Object();
	}

	// A step whose application listener, added by its builder before job-metrics adds its own, throws in beforeStep:
	// Batch fails the step with what it threw, and runs no listener's beforeStep after it.
	@Bean
	AbstractJob refusedJob(JobRepository repository, PlatformTransactionManager tx) throws ReflectiveOperationException {
		TaskletStep step = new StepBuilder("refused", repository).tasklet((contribution, chunk) -> {
			taskletRuns.incrementAndGet();
			return null;
		}, tx).build();
		addFailingListener(step, "beforeStep");
		return (AbstractJob) new JobBuilder("refusedJob", repository).start(step).build();
	}

	/**
	 * Adds to the given {@code AbstractStep} or {@code AbstractJob} a listener of the Batch line in use (its
	 * listener interfaces moved in Batch 6) that throws {@link ListenerFailure} in the given callback.
	 */
	static void addFailingListener(Object target, String callback) throws ReflectiveOperationException {
		boolean step = target instanceof AbstractStep;
		Class<?> type = listenerType(step ? "StepExecutionListener" : "JobExecutionListener");
		(step ? AbstractStep.class : AbstractJob.class)
			.getMethod(step ? "registerStepExecutionListener" : "registerJobExecutionListener", type)
			.invoke(target, failingListener(type, callback));
	}

	/**
	 * Adds to the given tasklet step a {@code ChunkListener} of the Batch line in use that throws
	 * {@link ListenerFailure} in the given callback.
	 */
	static void addFailingChunkListener(TaskletStep step, String callback) throws ReflectiveOperationException {
		Class<?> type = listenerType("ChunkListener");
		TaskletStep.class.getMethod("registerChunkListener", type).invoke(step, failingListener(type, callback));
	}

	private static Class<?> listenerType(String name) throws ClassNotFoundException {
		String listeners = ClassUtils.isPresent(BatchLine.BATCH_6_STEP_LISTENER, null)
				? "org.springframework.batch.core.listener." : "org.springframework.batch.core.";
		return ClassUtils.forName(listeners + name, null);
	}

	private static Object failingListener(Class<?> type, String callback) {
		InvocationHandler handler = (proxy, method, args) -> switch (method.getName()) {
			case "equals" -> proxy == args[0];
			case "hashCode" -> System.identityHashCode(proxy);
			case "toString" -> "application listener that throws in " + callback;
			default -> {
				if (method.getName().equals(callback)) {
					listenerFailures.incrementAndGet();
					throw new ListenerFailure(callback);
				}
				yield method.isDefault() ? InvocationHandler.invokeDefault(proxy, method, args) : null;
			}
		};
		return Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type }, handler);
	}

	static class ListenerFailure extends RuntimeException {

		private static final long serialVersionUID = 1L;

		ListenerFailure(String callback) {
			super(callback + " failed on purpose");
		}

	}

	@Bean
	AnnotatedWork annotatedWork() {
		return new AnnotatedWork();
	}

	// A tasklet that is a @TracedJob bean method, through Batch's own adapter.
	@Bean
	AbstractJob annotatedJob(JobRepository repository, PlatformTransactionManager tx, AnnotatedWork annotatedWork) {
		MethodInvokingTaskletAdapter tasklet = new MethodInvokingTaskletAdapter();
		tasklet.setTargetObject(annotatedWork);
		tasklet.setTargetMethod("work");
		TaskletStep step = new StepBuilder("annotated", repository).tasklet(tasklet, tx).build();
		return (AbstractJob) new JobBuilder("annotatedJob", repository).start(step).build();
	}

	static class AnnotatedWork {

		@TracedJob("annotated-work")
		public void work() {
			taskletRuns.incrementAndGet();
		}

	}

	/**
	 * Launches the given job bean with the application's {@code JobLauncher} (on Batch 6, its {@code JobOperator}),
	 * with a new run number, and returns the status its execution ended with. By reflection, as {@code Job} and
	 * {@code JobParameters} are in other packages on Batch 5 and 6.
	 */
	static BatchStatus launch(ApplicationContext context, String jobBean) throws Exception {
		return status(launch(context, jobBean, runNumber.incrementAndGet()));
	}

	/**
	 * Launches the given job bean with the given run number, and returns its execution: a number used before
	 * restarts that job instance.
	 */
	static Object launch(ApplicationContext context, String jobBean, long number) throws Exception {
		JobLauncher launcher = context.getBean(JobLauncher.class);
		Method run = Arrays.stream(JobLauncher.class.getMethods())
			.filter((method) -> method.getName().equals("run") && method.getParameterCount() == 2)
			.findFirst()
			.orElseThrow();
		Class<?> parametersBuilder = Class.forName(run.getParameterTypes()[1].getName() + "Builder");
		Object builder = parametersBuilder.getConstructor().newInstance();
		parametersBuilder.getMethod("addLong", String.class, Long.class).invoke(builder, "run", number);
		Object parameters = parametersBuilder.getMethod("toJobParameters").invoke(builder);
		return run.invoke(launcher, context.getBean(jobBean), parameters);
	}

	static BatchStatus status(Object execution) throws Exception {
		return (BatchStatus) execution.getClass().getMethod("getStatus").invoke(execution);
	}

	/**
	 * Marks the given job execution {@code ABANDONED} in the job repository, as {@code JobOperator.abandon} does.
	 */
	static void abandonJob(ApplicationContext context, Object jobExecution) throws Exception {
		jobExecution.getClass().getMethod("setStatus", BatchStatus.class).invoke(jobExecution, BatchStatus.ABANDONED);
		JobRepository.class.getMethod("update", jobExecution.getClass())
			.invoke(context.getBean(JobRepository.class), jobExecution);
	}

	/**
	 * Marks the execution of the given step in the given job execution {@code ABANDONED} in the job repository, as
	 * an operator does for a step that must not run again when its job is restarted.
	 */
	static void abandonStep(ApplicationContext context, Object jobExecution, String stepName) throws Exception {
		JobRepository repository = context.getBean(JobRepository.class);
		for (Object step : (Iterable<?>) jobExecution.getClass().getMethod("getStepExecutions").invoke(jobExecution)) {
			if (stepName.equals(step.getClass().getMethod("getStepName").invoke(step))) {
				step.getClass().getMethod("setStatus", BatchStatus.class).invoke(step, BatchStatus.ABANDONED);
				JobRepository.class.getMethod("update", step.getClass()).invoke(repository, step);
			}
		}
	}

}
