package io.github.jobmetrics.batch;

import java.lang.reflect.InvocationTargetException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import io.github.jobmetrics.BootMetricsAutoConfigurations;
import io.github.jobmetrics.JobTracer;
import io.github.jobmetrics.autoconfigure.JobMetricsAutoConfiguration;
import io.github.jobmetrics.autoconfigure.JobMetricsBatchAutoConfiguration;
import io.github.jobmetrics.autoconfigure.JobMetricsObservationAutoConfiguration;
import io.github.jobmetrics.micrometer.MicrometerJobTracer;
import io.github.jobmetrics.observation.ObservedJobTracer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.search.MeterNotFoundException;
import io.micrometer.core.instrument.search.Search;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.test.simple.SimpleSpan;
import io.micrometer.tracing.test.simple.SimpleTracer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.batch.core.BatchStatus;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link BatchJobMetrics} with real Spring Batch jobs that Spring Boot's Batch auto-configuration runs,
 * with its JDBC job repository on an embedded H2 database, on every Boot line (Batch 6 on Boot 4.x, Batch 5 on
 * Boot 3.5).
 */
class BatchJobMetricsTests {

	private static final String[] RESULTS = { "success", "failure", "retry", "cancelled" };

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(BootMetricsAutoConfigurations.with(BootBatchAutoConfigurations.classes()))
		.withConfiguration(BootMetricsAutoConfigurations.with(JobMetricsAutoConfiguration.class,
				JobMetricsBatchAutoConfiguration.class))
		.withUserConfiguration(BatchJobs.class)
		// The tests launch each job themselves; Boot would run every job at start-up.
		.withPropertyValues("spring.batch.job.enabled=false", "spring.batch.jdbc.initialize-schema=always");

	// Spring Batch 5 (Boot 3.5) records its own meters in Metrics.globalRegistry, to which Boot adds the registry of
	// every context: those that other test classes closed, with exemplar samplers that ask their closed context for
	// the current span, would fail Batch's launcher here.
	@BeforeEach
	void reset() {
		BatchJobs.reset();
		List.copyOf(Metrics.globalRegistry.getRegistries()).forEach(Metrics.globalRegistry::remove);
	}

	@Test
	void aTaskletStepIsARunOfJobDotStepAndTheJobExecutionARunOfItsOwn() {
		this.contextRunner.run((context) -> {
			assertThat(BatchJobs.launch(context, "taskletJob")).isEqualTo(BatchStatus.COMPLETED);
			assertThat(BatchJobs.launch(context, "taskletJob")).isEqualTo(BatchStatus.COMPLETED);
			assertThat(BatchJobs.taskletRuns).hasValue(2);
			assertThat(executions(context, "taskletJob.tasklet", "success")).isEqualTo(2);
			assertThat(executions(context, "taskletJob", "success")).isEqualTo(2);
			assertOnlySuccesses(context, "taskletJob.tasklet");
			assertThat(inFlight(context, "taskletJob")).isZero();
		});
	}

	@Test
	void eachStepOfAChunkJobIsOneRunHoweverManyChunks() {
		this.contextRunner.run((context) -> {
			assertThat(BatchJobs.launch(context, "chunkJob")).isEqualTo(BatchStatus.COMPLETED);
			assertThat(BatchJobs.written).hasValue(25);
			assertThat(executions(context, "chunkJob.prepare", "success")).isEqualTo(1);
			assertThat(executions(context, "chunkJob.chunk", "success")).isEqualTo(1);
			assertThat(executions(context, "chunkJob", "success")).isEqualTo(1);
		});
	}

	@Test
	void theStepsCountTheWorkedTimeAndTheJobExecutionAddsNone() {
		this.contextRunner.run((context) -> {
			BatchJobs.launch(context, "chunkJob");
			MicrometerJobTracer tracer = context.getBean(MicrometerJobTracer.class);
			assertThat(tracer.workedSeconds("chunkJob", null)).isZero();
			// A finished run's worked time is its duration: each step counted its thread once.
			assertThat(tracer.workedSeconds("chunkJob.chunk", null)).isPositive()
				.isCloseTo(durationSeconds(context, "chunkJob.chunk"), within(1e-6));
			assertThat(tracer.workedSeconds("chunkJob.prepare", null))
				.isCloseTo(durationSeconds(context, "chunkJob.prepare"), within(1e-6));
			// The job's duration encloses its steps'.
			assertThat(durationSeconds(context, "chunkJob")).isGreaterThanOrEqualTo(
					durationSeconds(context, "chunkJob.chunk") + durationSeconds(context, "chunkJob.prepare"));
		});
	}

	@Test
	void aFailedStepAndItsJobAreFailuresNamedByWhatTheStepThrew() {
		this.contextRunner.run((context) -> {
			assertThat(BatchJobs.launch(context, "failingJob")).isEqualTo(BatchStatus.FAILED);
			assertThat(executions(context, "failingJob.failing", "failure")).isEqualTo(1);
			assertThat(executions(context, "failingJob", "failure")).isEqualTo(1);
			assertThat(executions(context, "failingJob", "success")).isZero();
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			for (String job : new String[] { "failingJob.failing", "failingJob" }) {
				assertThat(registry.get("job.exceptions").tag("job.name", job)
					.tag("exception", "IllegalStateException").counter().count()).as(job).isEqualTo(1);
			}
		});
	}

	@Test
	void aStoppedStepAndItsJobAreCancelled() {
		this.contextRunner.run((context) -> {
			assertThat(BatchJobs.launch(context, "stoppedJob")).isEqualTo(BatchStatus.STOPPED);
			assertThat(executions(context, "stoppedJob.stopping", "cancelled")).isEqualTo(1);
			assertThat(executions(context, "stoppedJob", "cancelled")).isEqualTo(1);
			assertThat(executions(context, "stoppedJob", "success")).isZero();
			assertThat(executions(context, "stoppedJob", "failure")).isZero();
		});
	}

	// An operator marks the failed step ABANDONED: Batch skips it when the job instance is restarted, so it is no run
	// then; a simple job stops at a step that did not complete, so the restart ends ABANDONED itself, a new run of the
	// job that did not finish its work: cancelled.
	@Test
	void aRestartSkipsAnAbandonedStepWhichIsNoRunAndTheRestartIsCancelled() {
		this.contextRunner.run((context) -> {
			Object failed = BatchJobs.launch(context, "restartedJob", 1_000);
			assertThat(BatchJobs.status(failed)).isEqualTo(BatchStatus.FAILED);
			BatchJobs.abandonStep(context, failed, "first");
			assertThat(BatchJobs.status(BatchJobs.launch(context, "restartedJob", 1_000)))
				.isEqualTo(BatchStatus.ABANDONED);
			assertThat(BatchJobs.firstAttempts).hasValue(1);
			assertThat(executions(context, "restartedJob.first", "failure")).isEqualTo(1);
			assertOnlyFailures(context, "restartedJob.first");
			for (String result : RESULTS) {
				assertThat(executions(context, "restartedJob.second", result)).as(result).isZero();
			}
			assertThat(executions(context, "restartedJob", "failure")).isEqualTo(1);
			assertThat(executions(context, "restartedJob", "cancelled")).isEqualTo(1);
			assertThat(executions(context, "restartedJob", "success")).isZero();
			assertThat(inFlight(context, "restartedJob")).isZero();
		});
	}

	// Batch refuses to restart an instance whose last job execution was abandoned: no execution, no run.
	@Test
	void aRestartOfAnAbandonedJobExecutionIsNoRun() {
		this.contextRunner.run((context) -> {
			Object failed = BatchJobs.launch(context, "failingJob", 2_000);
			BatchJobs.abandonJob(context, failed);
			assertThatExceptionOfType(InvocationTargetException.class)
				.isThrownBy(() -> BatchJobs.launch(context, "failingJob", 2_000))
				.havingCause()
				.satisfies((refused) -> assertThat(refused.getClass().getSimpleName())
					.isEqualTo("JobInstanceAlreadyCompleteException"));
			assertThat(executions(context, "failingJob", "failure")).isEqualTo(1);
			assertOnlyFailures(context, "failingJob");
			assertThat(executions(context, "failingJob.failing", "failure")).isEqualTo(1);
			assertThat(inFlight(context, "failingJob")).isZero();
		});
	}

	@Test
	void aLongStepIsInFlightAndWorksAtEveryReadWhileItRuns() throws Exception {
		BatchJobs.release = new CountDownLatch(1);
		this.contextRunner.run((context) -> {
			MicrometerJobTracer tracer = context.getBean(MicrometerJobTracer.class);
			CompletableFuture<BatchStatus> launched = launchInBackground(context, "latchedJob");
			await().atMost(BatchJobs.TIMEOUT).until(() -> inFlight(context, "latchedJob.latched") == 1);
			assertThat(inFlight(context, "latchedJob")).isEqualTo(1);
			double first = tracer.workedSeconds("latchedJob.latched", null);
			await().atMost(BatchJobs.TIMEOUT).until(() -> tracer.workedSeconds("latchedJob.latched", null) > first);
			double second = tracer.workedSeconds("latchedJob.latched", null);
			await().atMost(BatchJobs.TIMEOUT).until(() -> tracer.workedSeconds("latchedJob.latched", null) > second);
			assertThat(tracer.workedSeconds("latchedJob", null)).isZero();
			assertThat(executions(context, "latchedJob.latched", "success")).isZero();
			BatchJobs.release.countDown();
			assertThat(launched.get()).isEqualTo(BatchStatus.COMPLETED);
			assertThat(executions(context, "latchedJob.latched", "success")).isEqualTo(1);
			assertThat(inFlight(context, "latchedJob.latched")).isZero();
			assertThat(inFlight(context, "latchedJob")).isZero();
		});
	}

	@Test
	void eachPartitionIsARunOnItsOwnThreadAndTheManagerAddsNoWorkedTime() throws Exception {
		BatchJobs.release = new CountDownLatch(1);
		BatchJobs.partitionsRunning = new CountDownLatch(3);
		this.contextRunner.run((context) -> {
			MicrometerJobTracer tracer = context.getBean(MicrometerJobTracer.class);
			CompletableFuture<BatchStatus> launched = launchInBackground(context, "partitionedJob");
			// Three worker threads busy at once: three runs in flight, each counting its thread.
			// The worker's meters are built with its first partition: none before that.
			await().atMost(BatchJobs.TIMEOUT)
				.ignoreExceptionsInstanceOf(MeterNotFoundException.class)
				.until(() -> inFlight(context, "partitionedJob.worker") == 3);
			assertThat(inFlight(context, "partitionedJob.manager")).isEqualTo(1);
			double first = tracer.workedSeconds("partitionedJob.worker", null);
			await().atMost(BatchJobs.TIMEOUT).until(() -> tracer.workedSeconds("partitionedJob.worker", null) > first);
			BatchJobs.release.countDown();
			assertThat(launched.get()).isEqualTo(BatchStatus.COMPLETED);
			assertThat(executions(context, "partitionedJob.worker", "success")).isEqualTo(3);
			assertThat(executions(context, "partitionedJob.manager", "success")).isEqualTo(1);
			assertThat(executions(context, "partitionedJob", "success")).isEqualTo(1);
			assertThat(tracer.workedSeconds("partitionedJob.manager", null)).isZero();
			assertThat(tracer.workedSeconds("partitionedJob", null)).isZero();
			assertThat(tracer.workedSeconds("partitionedJob.worker", null))
				.isCloseTo(durationSeconds(context, "partitionedJob.worker"), within(1e-6));
			// No series per partition: partitions are named after their worker step.
			assertThat(Search.in(context.getBean(MeterRegistry.class)).name("job.executions")
				.tagKeys("job.name").functionCounters())
				.noneMatch((counter) -> counter.getId().getTag("job.name").contains(":partition"));
		});
	}

	// The executor's threads count while they work for the step (BatchMultiThreadedStepTests), the step's own thread
	// until they begin: never more than the step's threads over its duration.
	@Test
	void aMultiThreadedStepIsOneRunCountingTheThreadsThatWorkForIt() {
		this.contextRunner.run((context) -> {
			assertThat(BatchJobs.launch(context, "multiThreadedJob")).isEqualTo(BatchStatus.COMPLETED);
			assertThat(BatchJobs.written).hasValue(40);
			assertThat(BatchJobs.processingThreads).isNotEmpty().allMatch((name) -> name.startsWith("batch-worker-"));
			assertThat(executions(context, "multiThreadedJob.multiThreaded", "success")).isEqualTo(1);
			assertThat(executions(context, "multiThreadedJob", "success")).isEqualTo(1);
			MicrometerJobTracer tracer = context.getBean(MicrometerJobTracer.class);
			assertThat(tracer.workedSeconds("multiThreadedJob.multiThreaded", null)).isPositive()
				.isLessThanOrEqualTo(5 * durationSeconds(context, "multiThreadedJob.multiThreaded"));
		});
	}

	@Test
	void aTracedJobTaskletIsNestedInItsStepSoItsWorkIsCountedOnce() {
		this.contextRunner.run((context) -> {
			assertThat(BatchJobs.launch(context, "annotatedJob")).isEqualTo(BatchStatus.COMPLETED);
			assertThat(BatchJobs.taskletRuns).hasValue(1);
			assertThat(executions(context, "annotated-work", "success")).isEqualTo(1);
			assertThat(executions(context, "annotatedJob.annotated", "success")).isEqualTo(1);
			MicrometerJobTracer tracer = context.getBean(MicrometerJobTracer.class);
			// The step counts the thread; the annotated run inside it adds nothing.
			assertThat(tracer.workedSeconds("annotated-work", null)).isZero();
			assertThat(durationSeconds(context, "annotated-work")).isPositive();
			assertThat(tracer.workedSeconds("annotatedJob.annotated", null))
				.isCloseTo(durationSeconds(context, "annotatedJob.annotated"), within(1e-6));
		});
	}

	// Batch calls an execution's listeners one after the other, and none after one that throws: here the application's
	// own, added after job-metrics' listener, throw in afterStep and afterJob. The runs end all the same, as Batch
	// reports them (it logs what those listeners threw and keeps the executions' status).
	@Test
	void runsEndWhenApplicationListenersThrowInAfterStepAndAfterJob() {
		this.contextRunner.run((context) -> {
			assertThat(BatchJobs.launch(context, "listenedJob")).isEqualTo(BatchStatus.COMPLETED);
			assertThat(BatchJobs.launch(context, "listenedJob")).isEqualTo(BatchStatus.COMPLETED);
			assertThat(BatchJobs.listenerFailures).hasValue(4);
			assertThat(BatchJobs.taskletRuns).hasValue(2);
			for (String job : new String[] { "listenedJob.listened", "listenedJob" }) {
				assertThat(executions(context, job, "success")).as(job).isEqualTo(2);
				assertOnlySuccesses(context, job);
				assertThat(inFlight(context, job)).as(job).isZero();
			}
			// Ended: its worked time is its duration, and grows no more.
			MicrometerJobTracer tracer = context.getBean(MicrometerJobTracer.class);
			assertThat(tracer.workedSeconds("listenedJob.listened", null))
				.isCloseTo(durationSeconds(context, "listenedJob.listened"), within(1e-6));
		});
	}

	// An application's listener registered before job-metrics' throws in beforeStep: the step is a run all the same,
	// failed as Batch fails it, with what the listener threw, and so is its job.
	@Test
	void aStepWhoseListenerThrowsInBeforeStepIsAFailedRun() {
		this.contextRunner.run((context) -> {
			assertThat(BatchJobs.launch(context, "refusedJob")).isEqualTo(BatchStatus.FAILED);
			assertThat(BatchJobs.listenerFailures).hasValue(1);
			assertThat(BatchJobs.taskletRuns).hasValue(0);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			for (String job : new String[] { "refusedJob.refused", "refusedJob" }) {
				assertThat(executions(context, job, "failure")).as(job).isEqualTo(1);
				assertOnlyFailures(context, job);
				assertThat(registry.get("job.exceptions").tag("job.name", job)
					.tag("exception", "ListenerFailure").counter().count()).as(job).isEqualTo(1);
				assertThat(inFlight(context, job)).as(job).isZero();
			}
		});
	}

	// The default of an application with Actuator and a tracing bridge: each run is an Observation too.
	@Test
	void withATracingBridgeEachRunIsASpanNothingStaysCurrentAndCountsStayExact() {
		this.contextRunner.withConfiguration(BootMetricsAutoConfigurations.observation())
			.withConfiguration(AutoConfigurations.of(JobMetricsObservationAutoConfiguration.class))
			.withBean(Tracer.class, SimpleTracer::new)
			.run((context) -> {
				assertThat(context.getBean(JobTracer.class)).isInstanceOf(ObservedJobTracer.class);
				assertThat(BatchJobs.launch(context, "chunkJob")).isEqualTo(BatchStatus.COMPLETED);
				SimpleTracer tracer = (SimpleTracer) context.getBean(Tracer.class);
				// A span per run (the job's is not made current: Batch's own job observation encloses its listeners).
				for (String run : new String[] { "chunkJob", "chunkJob.prepare", "chunkJob.chunk" }) {
					SimpleSpan span = span(tracer, run);
					assertThat(span.getEndTimestamp()).as("%s ended", run).isAfter(Instant.EPOCH)
						.isAfterOrEqualTo(span.getStartTimestamp());
				}
				assertThat((Object) tracer.currentSpan()).as("nothing left current after the job").isNull();
				assertThat(executions(context, "chunkJob", "success")).isEqualTo(1);
				assertThat(executions(context, "chunkJob.chunk", "success")).isEqualTo(1);
				MicrometerJobTracer jobTracer = context.getBean(MicrometerJobTracer.class);
				assertThat(jobTracer.workedSeconds("chunkJob", null)).isZero();
				assertThat(jobTracer.workedSeconds("chunkJob.chunk", null))
					.isCloseTo(durationSeconds(context, "chunkJob.chunk"), within(1e-6));
			});
	}

	@Test
	void buildsTheSeriesOfKnownJobsAndTheirStepsBeforeTheirFirstRun() {
		this.contextRunner.run((context) -> {
			for (String job : new String[] { "taskletJob", "taskletJob.tasklet", "chunkJob.prepare", "chunkJob.chunk",
					"partitionedJob", "partitionedJob.manager", "latchedJob.latched" }) {
				for (String result : RESULTS) {
					assertThat(executions(context, job, result)).as("%s %s", job, result).isZero();
				}
			}
			assertThat(BatchJobs.taskletRuns).hasValue(0);
		});
	}

	@Test
	void tracesNothingWhenSwitchedOff() {
		this.contextRunner.withPropertyValues("job-metrics.instrument.batch=false").run((context) -> {
			assertThat(context).doesNotHaveBean(BatchJobMetrics.class);
			assertThat(BatchJobs.launch(context, "taskletJob")).isEqualTo(BatchStatus.COMPLETED);
			assertThat(Search.in(context.getBean(MeterRegistry.class)).name("job.executions")
				.tag("job.name", "taskletJob.tasklet").functionCounters()).isEmpty();
		});
	}

	private static SimpleSpan span(SimpleTracer tracer, String name) {
		// By its job.name tag: the span's name is the run's job name on Boot 4, Micrometer's observation name on 3.5.
		return tracer.getSpans()
			.stream()
			.filter((span) -> name.equals(span.getTags().get("job.name")))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no span '" + name + "' among " + tracer.getSpans()));
	}

	private static CompletableFuture<BatchStatus> launchInBackground(AssertableApplicationContext context,
			String job) {
		return CompletableFuture.supplyAsync(() -> {
			try {
				return BatchJobs.launch(context, job);
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		});
	}

	private static void assertOnlySuccesses(AssertableApplicationContext context, String job) {
		for (String result : new String[] { "failure", "retry", "cancelled" }) {
			assertThat(executions(context, job, result)).as("%s %s", job, result).isZero();
		}
	}

	private static void assertOnlyFailures(AssertableApplicationContext context, String job) {
		for (String result : new String[] { "success", "retry", "cancelled" }) {
			assertThat(executions(context, job, result)).as("%s %s", job, result).isZero();
		}
	}

	private static double executions(AssertableApplicationContext context, String job, String result) {
		return context.getBean(MeterRegistry.class).get("job.executions").tag("job.name", job).tag("result", result)
			.functionCounter().count();
	}

	private static double inFlight(AssertableApplicationContext context, String job) {
		return context.getBean(MeterRegistry.class).get("job.inflight").tag("job.name", job).gauge().value();
	}

	private static double durationSeconds(AssertableApplicationContext context, String job) {
		return context.getBean(MeterRegistry.class).get("job.duration").tag("job.name", job).timer()
			.totalTime(java.util.concurrent.TimeUnit.SECONDS);
	}

}
