package io.github.jobmetrics.batch;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.github.jobmetrics.BootMetricsAutoConfigurations;
import io.github.jobmetrics.JobTracer;
import io.github.jobmetrics.autoconfigure.JobMetricsAutoConfiguration;
import io.github.jobmetrics.autoconfigure.JobMetricsBatchAutoConfiguration;
import io.github.jobmetrics.autoconfigure.JobMetricsObservationAutoConfiguration;
import io.github.jobmetrics.internal.TracedRunScope;
import io.github.jobmetrics.micrometer.MicrometerJobTracer;
import io.github.jobmetrics.observation.ObservedJobTracer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.search.MeterNotFoundException;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.test.simple.SimpleSpan;
import io.micrometer.tracing.test.simple.SimpleTracer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.batch.core.BatchStatus;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ContextConsumer;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link BatchJobMetrics} with multi-threaded steps: a step execution is one run, and each of the
 * executor's threads that works for it counts in its worked time while it does, in place of the step's own thread,
 * which waits for them. The registry's clock is a {@link MockClock} that only the test moves, so worked time is
 * exact. Real Spring Batch with Boot's JDBC job repository on H2, a real pool of
 * {@value MultiThreadedSteps#THREADS} threads, on every Boot line; the chunk-oriented step of {@code itemsJob} is
 * Batch 6's (on Batch 5, a tasklet step as {@code chunksJob}'s).
 */
class BatchMultiThreadedStepTests {

	// How long the registry's clock moves on while the four workers hold still inside the step.
	private static final Duration HELD = Duration.ofSeconds(10);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(BootMetricsAutoConfigurations.with(BootBatchAutoConfigurations.classes()))
		.withConfiguration(BootMetricsAutoConfigurations.with(JobMetricsAutoConfiguration.class,
				JobMetricsBatchAutoConfiguration.class))
		.withUserConfiguration(MultiThreadedSteps.class)
		// Boot's registry takes this clock in place of the system's: worked time moves only when the test moves it.
		.withBean(MockClock.class, MockClock::new)
		.withPropertyValues("spring.batch.job.enabled=false", "spring.batch.jdbc.initialize-schema=always");

	// As in BatchJobMetricsTests: Batch 5 records its own meters in the global registry.
	@BeforeEach
	void reset() {
		BatchJobs.reset();
		List.copyOf(Metrics.globalRegistry.getRegistries()).forEach(Metrics.globalRegistry::remove);
		MultiThreadedSteps.Work.reset();
	}

	@Test
	void aTaskletStepWhoseChunksRunOnFourThreadsWorksFourThreadsAndIsOneRun() {
		assertCountsEachWorker(this.contextRunner, "chunksJob", "chunksJob.chunks", (context) -> {
		});
	}

	@Test
	void aChunkOrientedStepWhoseItemsAreProcessedOnFourThreadsWorksFourThreadsAndIsOneRun() {
		assertCountsEachWorker(this.contextRunner, "itemsJob", "itemsJob.items", (context) -> {
		});
	}

	// The default of an application with Actuator and a tracing bridge: each run is an Observation, a span, too.
	@Test
	void withATracingBridgeATaskletStepStillCountsEachWorkerAndEachRunIsASpan() {
		assertCountsEachWorker(traced(), "chunksJob", "chunksJob.chunks", (context) -> assertSpans(context, "chunksJob.chunks"));
	}

	@Test
	void withATracingBridgeAChunkOrientedStepStillCountsEachWorkerAndEachRunIsASpan() {
		assertCountsEachWorker(traced(), "itemsJob", "itemsJob.items", (context) -> assertSpans(context, "itemsJob.items"));
	}

	// The listener of the ends of the work is called before the application's, which throws: every worker's piece
	// ends with its chunk, and no thread of the pool is left in the scope of a run, where what it traces next would
	// add no worked time.
	@Test
	void anApplicationChunkListenerThatThrowsLeavesNoWorkerCountedNorInScope() {
		this.contextRunner.run((context) -> {
			MultiThreadedSteps.Work.release.countDown();
			assertThat(BatchJobs.launch(context, "refusedChunksJob")).isEqualTo(BatchStatus.FAILED);
			String step = "refusedChunksJob.refusedChunks";
			assertThat(executions(context, step, "failure")).isEqualTo(1);
			assertThat(executions(context, step, "success")).isZero();
			assertThat(inFlight(context, step)).isZero();
			MicrometerJobTracer tracer = context.getBean(MicrometerJobTracer.class);
			context.getBean(MockClock.class).add(HELD);
			assertThat(tracer.workedSeconds(step, null)).isZero();
			assertNoWorkerInScope(context);
		});
	}

	private ApplicationContextRunner traced() {
		return this.contextRunner.withConfiguration(BootMetricsAutoConfigurations.observation())
			.withConfiguration(AutoConfigurations.of(JobMetricsObservationAutoConfiguration.class))
			.withBean(Tracer.class, SimpleTracer::new);
	}

	private static void assertSpans(AssertableApplicationContext context, String step) {
		assertThat(context.getBean(JobTracer.class)).isInstanceOf(ObservedJobTracer.class);
		List<SimpleSpan> spans = ((SimpleTracer) context.getBean(Tracer.class)).getSpans().stream().toList();
		// By its job.name tag: the span's name is the run's job name on Boot 4, Micrometer's observation name on 3.5.
		assertThat(spans).filteredOn((span) -> step.equals(span.getTags().get("job.name")))
			.as("one span for the step, ended")
			.singleElement()
			.satisfies((span) -> assertThat(span.getEndTimestamp()).isAfter(Instant.EPOCH));
		assertThat(spans).filteredOn((span) -> "spread-work".equals(span.getTags().get("job.name")))
			.as("a span for each item's processing on the workers, ended")
			.hasSize(MultiThreadedSteps.ITEMS)
			.allSatisfy((span) -> assertThat(span.getEndTimestamp()).isAfter(Instant.EPOCH));
	}

	private void assertCountsEachWorker(ApplicationContextRunner runner, String job, String step,
			ContextConsumer<AssertableApplicationContext> more) {
		runner.run((context) -> {
			MicrometerJobTracer tracer = context.getBean(MicrometerJobTracer.class);
			MockClock clock = context.getBean(MockClock.class);
			CompletableFuture<BatchStatus> launched = CompletableFuture.supplyAsync(() -> launch(context, job));
			double workedBefore;
			try {
				assertThat(MultiThreadedSteps.Work.arrived.await(BatchJobs.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
				// Four threads busy inside the step, the step's thread waiting for them: one run, four threads.
				assertThat(inFlight(context, step)).isEqualTo(1);
				workedBefore = tracer.workedSeconds(step, null);
				clock.add(HELD);
				assertThat(tracer.workedSeconds(step, null) - workedBefore).as("worked seconds while four threads work")
					.isEqualTo(MultiThreadedSteps.THREADS * HELD.toSeconds());
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
			// The clock moved only while the four workers held still: the step worked exactly that, and its
			// waiting thread, the job and the workers' other moments add nothing.
			assertThat(workedBefore).isZero();
			assertThat(tracer.workedSeconds(step, null)).isEqualTo(MultiThreadedSteps.THREADS * HELD.toSeconds());
			assertThat(tracer.workedSeconds(job, null)).isZero();
			// The @TracedJob processor is nested in the worker's piece of the step: a run each time, no worked time.
			assertThat(executions(context, "spread-work", "success")).isEqualTo(MultiThreadedSteps.ITEMS);
			assertThat(tracer.workedSeconds("spread-work", null)).isZero();
			assertNoWorkerInScope(context);
			more.accept(context);
		});
	}

	// Each of the pool's threads, once the step is over, is in the scope of no run: it takes one of as many tasks as
	// it has threads, which wait for each other, so that no thread takes two.
	private static void assertNoWorkerInScope(AssertableApplicationContext context) throws Exception {
		ThreadPoolTaskExecutor workers = context.getBean(ThreadPoolTaskExecutor.class);
		CyclicBarrier together = new CyclicBarrier(MultiThreadedSteps.THREADS);
		List<Future<Boolean>> inScope = new ArrayList<>();
		for (int i = 0; i < MultiThreadedSteps.THREADS; i++) {
			inScope.add(workers.submitCompletable(() -> {
				together.await(BatchJobs.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
				return TracedRunScope.isOpen();
			}));
		}
		for (Future<Boolean> each : inScope) {
			assertThat(each.get(BatchJobs.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).as("a worker left in scope")
				.isFalse();
		}
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
