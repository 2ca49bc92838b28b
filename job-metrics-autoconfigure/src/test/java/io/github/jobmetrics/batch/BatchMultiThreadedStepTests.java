package io.github.jobmetrics.batch;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.github.jobmetrics.BootMetricsAutoConfigurations;
import io.github.jobmetrics.autoconfigure.JobMetricsAutoConfiguration;
import io.github.jobmetrics.autoconfigure.JobMetricsBatchAutoConfiguration;
import io.github.jobmetrics.micrometer.MicrometerJobTracer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.search.MeterNotFoundException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.batch.core.BatchStatus;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link BatchJobMetrics} with multi-threaded steps: a step execution is one run, and each of the
 * executor's threads that works for it counts in its worked time while it does, in place of the step's own thread,
 * which waits for them. Real Spring Batch with Boot's JDBC job repository on H2, a real pool of
 * {@value MultiThreadedSteps#THREADS} threads, on every Boot line; the chunk-oriented step of {@code itemsJob} is
 * Batch 6's (on Batch 5, a tasklet step as {@code chunksJob}'s).
 */
class BatchMultiThreadedStepTests {

	// The slope of worked time is exact while the work holds still; 2 % covers the reads of the clock around it.
	private static final double SLOPE_TOLERANCE = 0.02;

	// What a thread that works for a step does outside the item's processing: the reader, the writer, the
	// transaction of its chunk and Batch's own bookkeeping, for 16 items, on a machine that other builds share.
	private static final double SLACK_SECONDS = 0.5;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(BootMetricsAutoConfigurations.with(BootBatchAutoConfigurations.classes()))
		.withConfiguration(BootMetricsAutoConfigurations.with(JobMetricsAutoConfiguration.class,
				JobMetricsBatchAutoConfiguration.class))
		.withUserConfiguration(MultiThreadedSteps.class)
		.withPropertyValues("spring.batch.job.enabled=false", "spring.batch.jdbc.initialize-schema=always");

	// As in BatchJobMetricsTests: Batch 5 records its own meters in the global registry.
	@BeforeEach
	void reset() {
		List.copyOf(Metrics.globalRegistry.getRegistries()).forEach(Metrics.globalRegistry::remove);
		MultiThreadedSteps.Work.reset();
	}

	@Test
	void aTaskletStepWhoseChunksRunOnFourThreadsWorksFourThreadsAndIsOneRun() throws Exception {
		assertCountsEachWorker("chunksJob", "chunksJob.chunks");
	}

	@Test
	void aChunkOrientedStepWhoseItemsAreProcessedOnFourThreadsWorksFourThreadsAndIsOneRun() throws Exception {
		assertCountsEachWorker("itemsJob", "itemsJob.items");
	}

	private void assertCountsEachWorker(String job, String step) throws Exception {
		this.contextRunner.run((context) -> {
			MicrometerJobTracer tracer = context.getBean(MicrometerJobTracer.class);
			CompletableFuture<BatchStatus> launched = CompletableFuture.supplyAsync(() -> launch(context, job));
			try {
				assertThat(MultiThreadedSteps.Work.arrived.await(BatchJobs.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
				// Four threads busy inside the step, the step's thread waiting for them: one run, four threads.
				assertThat(inFlight(context, step)).isEqualTo(1);
				assertWorkedSlope(tracer, step, MultiThreadedSteps.THREADS);
			}
			finally {
				MultiThreadedSteps.Work.release.countDown();
			}
			assertThat(launched.get(BatchJobs.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
				.isEqualTo(BatchStatus.COMPLETED);
			assertThat(MultiThreadedSteps.Work.written).hasValue(MultiThreadedSteps.ITEMS);
			assertThat(MultiThreadedSteps.Work.threads).hasSizeGreaterThan(1).allMatch((name) -> name.startsWith("spread-worker-"));
			assertThat(executions(context, step, "success")).isEqualTo(1);
			assertThat(executions(context, job, "success")).isEqualTo(1);
			for (String result : new String[] { "failure", "retry", "cancelled" }) {
				assertThat(executions(context, step, result)).as(result).isZero();
			}
			assertThat(inFlight(context, step)).isZero();
			// Each worker counted its thread while it processed, and only a little more (its chunk's reads, writes
			// and transaction, or its item's listeners); the step's thread, while it waited, not at all.
			double busy = MultiThreadedSteps.Work.busyNanos.get() / 1e9;
			assertThat(tracer.workedSeconds(step, null)).isBetween(busy, busy + SLACK_SECONDS);
			assertThat(tracer.workedSeconds(job, null)).isZero();
			// The @TracedJob processor is nested in the worker's piece of the step: a run each time, no worked time.
			assertThat(executions(context, "spread-work", "success")).isEqualTo(MultiThreadedSteps.ITEMS);
			assertThat(tracer.workedSeconds("spread-work", null)).isZero();
		});
	}

	// The slope of the step's worked time over a second in which its work holds still. Each read's instant is
	// bracketed, so the slope lies between the worked time over the longest interval the reads allow and over the
	// shortest: both must be within the tolerance.
	private static void assertWorkedSlope(MicrometerJobTracer tracer, String step, int threads)
			throws InterruptedException {
		long beforeFirst = System.nanoTime();
		double first = tracer.workedSeconds(step, null);
		long afterFirst = System.nanoTime();
		// Not a wait for a condition: the interval the slope is measured over.
		Thread.sleep(1_000);
		long beforeSecond = System.nanoTime();
		double second = tracer.workedSeconds(step, null);
		long afterSecond = System.nanoTime();
		double worked = second - first;
		assertThat(worked / ((afterSecond - beforeFirst) / 1e9)).as("worked seconds per second, at least")
			.isGreaterThanOrEqualTo(threads * (1 - SLOPE_TOLERANCE));
		assertThat(worked / ((beforeSecond - afterFirst) / 1e9)).as("worked seconds per second, at most")
			.isLessThanOrEqualTo(threads * (1 + SLOPE_TOLERANCE));
	}

	private static BatchStatus launch(AssertableApplicationContext context, String job) {
		try {
			return BatchJobs.launch(context, job);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static double executions(AssertableApplicationContext context, String job, String result) {
		return context.getBean(MeterRegistry.class).get("job.executions").tag("job.name", job).tag("result", result)
			.functionCounter().count();
	}

	private static double inFlight(AssertableApplicationContext context, String job) {
		try {
			return context.getBean(MeterRegistry.class).get("job.inflight").tag("job.name", job).gauge().value();
		}
		catch (MeterNotFoundException ex) {
			return -1;
		}
	}

}
