package io.github.jobmetrics.batch;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import io.github.jobmetrics.TracedJob;

import org.springframework.batch.core.job.AbstractJob;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.AbstractStep;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.core.step.tasklet.TaskletStep;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The multi-threaded steps of {@link BatchMultiThreadedStepTests}, built with the builders that Spring Batch 5 and 6
 * share. {@code chunk(size, transactionManager)} builds a tasklet step, whose chunks run whole on the executor's
 * threads (Batch 5, and Batch 6's deprecated builder); {@code chunk(size)} builds Batch 6's chunk-oriented step,
 * which reads and writes on its own thread and processes each item on the executor's (on Batch 5 a tasklet step as
 * well). Each processes {@value #ITEMS} items in chunks of {@value #CHUNK} with a {@code @TracedJob} bean, whose first
 * {@value #THREADS} calls wait until the test releases them. Not a {@code @Configuration}, as {@link BatchJobs} is
 * not.
 */
@SuppressWarnings({ "deprecation", "removal" })
class MultiThreadedSteps {

	static final int THREADS = 4;

	static final int ITEMS = 16;

	static final int CHUNK = 4;

	@Bean(destroyMethod = "shutdown")
	ThreadPoolTaskExecutor spreadWorkers() {
		ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
		executor.setCorePoolSize(THREADS);
		executor.setThreadNamePrefix("spread-worker-");
		executor.initialize();
		return executor;
	}

	@Bean
	Work work() {
		return new Work();
	}

	@Bean
	AbstractJob chunksJob(JobRepository repository, PlatformTransactionManager tx, ThreadPoolTaskExecutor spreadWorkers,
			Work work) {
		TaskletStep step = taskletStep("chunks", repository, tx, spreadWorkers, work);
		return (AbstractJob) new JobBuilder("chunksJob", repository).start(step).build();
	}

	@Bean
	AbstractJob itemsJob(JobRepository repository, PlatformTransactionManager tx, ThreadPoolTaskExecutor spreadWorkers,
			Work work) {
		AbstractStep step = (AbstractStep) new StepBuilder("items", repository).<Integer, Integer>chunk(CHUNK)
			.reader(items()::poll)
			.processor(work::process)
			.writer((chunk) -> Work.written.addAndGet(chunk.size()))
			.transactionManager(tx)
			.taskExecutor(spreadWorkers)
			.build();
		return (AbstractJob) new JobBuilder("itemsJob", repository).start(step).build();
	}

	// chunksJob's step with an application ChunkListener, registered with the step before job-metrics sees it (as its
	// builder would), that throws in afterChunk: Batch fails the chunk, and with it the step, and calls no
	// ChunkListener's afterChunk after that one.
	@Bean
	AbstractJob refusedChunksJob(JobRepository repository, PlatformTransactionManager tx,
			ThreadPoolTaskExecutor spreadWorkers, Work work) throws ReflectiveOperationException {
		TaskletStep step = taskletStep("refusedChunks", repository, tx, spreadWorkers, work);
		BatchJobs.addFailingChunkListener(step, "afterChunk");
		return (AbstractJob) new JobBuilder("refusedChunksJob", repository).start(step).build();
	}

	// A chunk step built with a transaction manager: a tasklet step whose chunks run whole on the executor's threads.
	private static TaskletStep taskletStep(String name, JobRepository repository, PlatformTransactionManager tx,
			ThreadPoolTaskExecutor spreadWorkers, Work work) {
		return (TaskletStep) new StepBuilder(name, repository).<Integer, Integer>chunk(CHUNK, tx)
			.reader(items()::poll)
			.processor(work::process)
			.writer((chunk) -> Work.written.addAndGet(chunk.size()))
			.taskExecutor(spreadWorkers)
			.build();
	}

	private static ConcurrentLinkedQueue<Integer> items() {
		return new ConcurrentLinkedQueue<>(IntStream.range(0, ITEMS).boxed().toList());
	}

	/**
	 * The processing of each item, a traced job of its own.
	 */
	static class Work {

		// Static, as the bean is a proxy (for its @TracedJob method) whose own fields are not the target's.
		static final AtomicInteger calls = new AtomicInteger();

		static final AtomicInteger written = new AtomicInteger();

		static final Set<String> threads = ConcurrentHashMap.newKeySet();

		// Counted down by the first THREADS calls, which then wait for the release.
		static volatile CountDownLatch arrived = new CountDownLatch(THREADS);

		static volatile CountDownLatch release = new CountDownLatch(1);

		static void reset() {
			calls.set(0);
			written.set(0);
			threads.clear();
			arrived = new CountDownLatch(THREADS);
			release = new CountDownLatch(1);
		}

		@TracedJob("spread-work")
		public Integer process(Integer item) throws InterruptedException {
			threads.add(Thread.currentThread().getName());
			if (calls.incrementAndGet() <= THREADS) {
				arrived.countDown();
				release.await(BatchJobs.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
			}
			return item;
		}

	}

}
