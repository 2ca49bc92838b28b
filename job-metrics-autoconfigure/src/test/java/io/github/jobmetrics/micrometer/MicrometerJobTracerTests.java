package io.github.jobmetrics.micrometer;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Exchanger;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.github.jobmetrics.JobRun;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static io.micrometer.core.tck.MeterRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link MicrometerJobTracer} on a {@link MockClock}, where every "scrape" is a read of the
 * registry at an instant the test chooses.
 */
class MicrometerJobTracerTests {

	private final MockClock clock = new MockClock();

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry(SimpleConfig.DEFAULT, this.clock);

	private final MicrometerJobTracer tracer = new MicrometerJobTracer(this.registry);

	@Test
	void longRunContributesExactlyTheScrapeIntervalToEachScrape() {
		JobRun run = this.tracer.start("export", "invoices");
		double previous = scrape("export", "invoices");
		for (int i = 0; i < 4; i++) {
			this.clock.add(Duration.ofSeconds(15));
			double current = scrape("export", "invoices");
			assertThat(current - previous).isEqualTo(15.0);
			previous = current;
		}
		run.close();
		assertThat(scrape("export", "invoices")).isEqualTo(60.0);
		assertThat(this.registry.get("job.duration").timer().totalTime(TimeUnit.SECONDS)).isEqualTo(60.0);
	}

	@Test
	void readNeverGoesBackwardsWhenTheClockStepsBack() {
		// System.nanoTime() is not guaranteed to agree between cores: a run may end on a core whose clock is a
		// little behind the one a scrape just used.
		JobRun first = this.tracer.start("export");
		JobRun second = this.tracer.start("export");
		this.clock.add(Duration.ofSeconds(10));
		double before = scrape("export", null);
		this.clock.add(Duration.ofSeconds(-1));
		first.close();
		assertThat(scrape("export", null)).isGreaterThanOrEqualTo(before);
		second.close();
		assertThat(scrape("export", null)).isGreaterThanOrEqualTo(before);
		assertThat(this.registry.get("job.duration").timer().max(TimeUnit.SECONDS)).isEqualTo(10.0);
	}

	@Test
	void runEndingBetweenScrapesIsSplitExactlyBetweenTheirIntervals() {
		JobRun run = this.tracer.start("export");
		this.clock.add(Duration.ofSeconds(10));
		assertThat(scrape("export", null)).isEqualTo(10.0);
		this.clock.add(Duration.ofSeconds(3));
		run.close();
		this.clock.add(Duration.ofSeconds(12));
		assertThat(scrape("export", null)).isEqualTo(13.0);
		this.clock.add(Duration.ofSeconds(15));
		assertThat(scrape("export", null)).isEqualTo(13.0);
	}

	@Test
	void failedRunCountsItsTimeAndItsFailure() {
		JobRun run = this.tracer.start("export");
		this.clock.add(Duration.ofSeconds(7));
		run.failed(new IllegalStateException("no store"));
		run.close();
		assertThat(scrape("export", null)).isEqualTo(7.0);
		assertThat(executions("export", "failure")).isEqualTo(1);
		assertThat(executions("export", "success")).isZero();
		assertThat(this.registry).hasMeterWithNameAndTags("job.exceptions",
				Tags.of("job.name", "export", "queue", "none", "result", "failure", "exception", "IllegalStateException"));
		assertThat(exceptions("export", "failure", "IllegalStateException")).isEqualTo(1);
	}

	@Test
	void runFailingWithRetryableExceptionOrSubclassCountsAsRetry() {
		MicrometerJobTracer tracer = new MicrometerJobTracer(this.registry,
				JobMeterSettings.defaults().withRetryExceptions(List.of(RuntimeException.class)));
		try (JobRun run = tracer.start("export")) {
			run.failed(new IllegalStateException("busy"));
		}
		try (JobRun run = tracer.start("export")) {
			run.failed(new Exception("not retryable"));
		}
		assertThat(executions("export", "retry")).isEqualTo(1);
		assertThat(executions("export", "failure")).isEqualTo(1);
		assertThat(exceptions("export", "retry", "IllegalStateException")).isEqualTo(1);
		assertThat(exceptions("export", "failure", "Exception")).isEqualTo(1);
		assertThat(this.registry.find("job.exceptions").tags("result", "failure", "exception", "IllegalStateException")
			.counter()).isNull();
	}

	@Test
	void concurrentRunsOfTheSameJobBothCount() {
		JobRun first = this.tracer.start("export");
		this.clock.add(Duration.ofSeconds(5));
		JobRun second = this.tracer.start("export");
		this.clock.add(Duration.ofSeconds(5));
		assertThat(scrape("export", null)).isEqualTo(15.0);
		assertThat(gauge("job.inflight", "export")).isEqualTo(2);
		assertThat(gauge("job.oldest.inflight.age", "export")).isEqualTo(10.0);
		first.close();
		assertThat(gauge("job.oldest.inflight.age", "export")).isEqualTo(5.0);
		this.clock.add(Duration.ofSeconds(5));
		second.close();
		assertThat(scrape("export", null)).isEqualTo(20.0);
		assertThat(gauge("job.inflight", "export")).isZero();
		assertThat(gauge("job.oldest.inflight.age", "export")).isZero();
	}

	@Test
	void valueIsTheSameJustBeforeAndJustAfterARunEnds() {
		JobRun run = this.tracer.start("export");
		this.clock.add(Duration.ofMillis(1500));
		double before = scrape("export", null);
		run.close();
		assertThat(scrape("export", null)).isEqualTo(before);
	}

	@Test
	void closingARunTwiceCountsItOnce() {
		JobRun run = this.tracer.start("export");
		this.clock.add(Duration.ofSeconds(2));
		run.close();
		this.clock.add(Duration.ofSeconds(2));
		run.close();
		assertThat(scrape("export", null)).isEqualTo(2.0);
		assertThat(executions("export", "success")).isEqualTo(1);
		assertThat(gauge("job.inflight", "export")).isZero();
	}

	@Test
	void everyResultSeriesExistsAtZeroFromRegistrationSoTheFirstFailureIsAnIncrease() {
		this.tracer.register("export", "invoices");
		for (String result : List.of("success", "failure", "retry", "cancelled")) {
			FunctionCounter counter = this.registry.get("job.executions").tag("result", result).functionCounter();
			assertThat(counter.count()).isZero();
			assertThat(counter.getId().getTags()).extracting(Tag::getKey)
				.containsExactlyInAnyOrder("job.name", "queue", "result");
			assertThat(counter.getId().getDescription()).startsWith("Finished runs by result");
			assertThat(counter.getId().getBaseUnit()).isEqualTo("executions");
		}
		assertThat(this.registry.find("job.exceptions").meters()).isEmpty();
		FunctionCounter failures = this.registry.get("job.executions").tag("result", "failure").functionCounter();
		try (JobRun run = this.tracer.start("export", "invoices")) {
			run.failed(new IllegalStateException());
		}
		assertThat(failures.count()).isOne();
		assertThat(this.registry.get("job.executions").functionCounters()).hasSize(4);
	}

	@Test
	void firstRunOfAnUnregisteredJobBuildsAllThreeResultSeries() {
		this.tracer.start("export").close();
		assertThat(this.registry.get("job.executions")
			.functionCounters()).extracting((counter) -> counter.getId().getTag("result"))
			.containsExactlyInAnyOrder("success", "failure", "retry", "cancelled");
		assertThat(executions("export", "success")).isOne();
	}

	@Test
	void exceptionCounterIsBuiltOncePerResultAndTypeAndReused() {
		for (int i = 0; i < 2; i++) {
			try (JobRun run = this.tracer.start("export")) {
				run.failed(new IllegalStateException());
			}
		}
		try (JobRun run = this.tracer.start("export")) {
			run.retrying(new IllegalStateException());
		}
		int meters = this.registry.getMeters().size();
		Counter failures = this.registry.get("job.exceptions").tag("result", "failure").counter();
		try (JobRun run = this.tracer.start("export")) {
			run.failed(new IllegalStateException());
		}
		assertThat(this.registry.getMeters()).hasSize(meters);
		assertThat(failures.count()).isEqualTo(3);
		assertThat(exceptions("export", "retry", "IllegalStateException")).isOne();
		assertThat(executions("export", "failure")).isEqualTo(3);
		assertThat(executions("export", "retry")).isOne();
		assertThat(failures.getId().getTags()).extracting(Tag::getKey)
			.containsExactlyInAnyOrder("job.name", "queue", "result", "exception");
		assertThat(failures.getId().getDescription()).startsWith("Failed runs by result");
		assertThat(failures.getId().getBaseUnit()).isEqualTo("exceptions");
	}

	@Test
	void lastSuccessReadsWhenTheMetersWereBuiltUntilTheFirstSuccessThenItsWallClockTime() {
		this.clock.add(Duration.ofDays(1));
		double startUp = wallSeconds();
		this.tracer.register("export", null);
		assertThat(lastSuccess("export")).isEqualTo(startUp);
		this.clock.add(Duration.ofMinutes(10));
		try (JobRun run = this.tracer.start("export")) {
			run.failed(new IllegalStateException());
		}
		assertThat(lastSuccess("export")).isEqualTo(startUp);
		this.clock.add(Duration.ofSeconds(30));
		this.tracer.start("export").close();
		assertThat(lastSuccess("export")).isEqualTo(wallSeconds()).isEqualTo(startUp + 630);
	}

	@Test
	void lastSuccessOfAnUnregisteredJobStartsFromItsFirstRun() {
		this.clock.add(Duration.ofDays(1));
		double firstRun = wallSeconds();
		try (JobRun run = this.tracer.start("export")) {
			this.clock.add(Duration.ofMinutes(1));
			run.failed(new IllegalStateException());
		}
		assertThat(lastSuccess("export")).isEqualTo(firstRun);
	}

	@Test
	void staleQueryFiresOnlyForAJobWithoutASuccessWithinItsThresholdSinceStartUp() {
		// time() - job_last_success_timestamp_seconds > 7200, with time() the registry's wall clock.
		this.clock.add(Duration.ofDays(1));
		this.tracer.register("broken", null);
		this.tracer.register("healthy", null);
		for (int minute = 1; minute <= 121; minute++) {
			this.clock.add(Duration.ofMinutes(1));
			try (JobRun run = this.tracer.start("broken")) {
				run.failed(new IllegalStateException());
			}
			this.tracer.start("healthy").close();
			assertThat(isStale("broken")).as("broken after %d minutes", minute).isEqualTo(minute > 120);
			assertThat(isStale("healthy")).isFalse();
		}
		// A restart: the job has not succeeded for more than 2 hours, but the new process only started now.
		SimpleMeterRegistry restarted = new SimpleMeterRegistry(SimpleConfig.DEFAULT, this.clock);
		new MicrometerJobTracer(restarted).register("broken", null);
		assertThat(wallSeconds() - restarted.get("job.last.success.timestamp").gauge().value()).isZero();
	}

	@Test
	void failedAndClosedOnDifferentThreadsRecordsTheFailureOfEveryRun() throws Exception {
		int runs = 10_000;
		Exchanger<JobRun> handOff = new Exchanger<>();
		ExecutorService executor = Executors.newFixedThreadPool(2);
		try {
			Future<?> marking = executor.submit(() -> {
				for (int i = 0; i < runs; i++) {
					JobRun run = this.tracer.start("export");
					run.failed(new IllegalStateException());
					handOff.exchange(run, 10, TimeUnit.SECONDS);
				}
				return null;
			});
			Future<?> closing = executor.submit(() -> {
				for (int i = 0; i < runs; i++) {
					handOff.exchange(null, 10, TimeUnit.SECONDS).close();
				}
				return null;
			});
			marking.get(1, TimeUnit.MINUTES);
			closing.get(1, TimeUnit.MINUTES);
		}
		finally {
			executor.shutdownNow();
		}
		assertThat(executions("export", "failure")).isEqualTo(runs);
		assertThat(exceptions("export", "failure", "IllegalStateException")).isEqualTo(runs);
		assertThat(executions("export", "success")).isZero();
		assertThat(gauge("job.inflight", "export")).isZero();
	}

	@Test
	void registeredJobReadsZeroBeforeItsFirstRun() {
		this.tracer.register("export", "invoices");
		assertThat(scrape("export", "invoices")).isZero();
		assertThat(this.registry.get("job.duration").tag("queue", "invoices").timer().count()).isZero();
	}

	@Test
	void traceRethrowsTheJobsOwnExceptionUnchanged() {
		IllegalStateException failure = new IllegalStateException("boom");
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> this.tracer.trace("export", null,
				(Runnable) () -> {
					this.clock.add(Duration.ofSeconds(1));
					throw failure;
				})).isSameAs(failure);
		assertThat(executions("export", "failure")).isEqualTo(1);
		assertThat(exceptions("export", "failure", "IllegalStateException")).isEqualTo(1);
		assertThat(scrape("export", null)).isEqualTo(1.0);
	}

	@Test
	void traceReturnsTheJobsResult() throws Exception {
		assertThat(this.tracer.trace("export", null, () -> "done")).isEqualTo("done");
		assertThat(executions("export", "success")).isEqualTo(1);
	}

	@Test
	void interruptedRunLeavesFlightExactlyOnce() throws Exception {
		CountDownLatch started = new CountDownLatch(1);
		AtomicReference<Throwable> thrown = new AtomicReference<>();
		Thread worker = new Thread(() -> {
			try {
				this.tracer.trace("export", null, () -> {
					started.countDown();
					new CountDownLatch(1).await();
					return null;
				});
			}
			catch (Exception ex) {
				thrown.set(ex);
			}
		});
		worker.start();
		started.await();
		assertThat(gauge("job.inflight", "export")).isEqualTo(1);
		worker.interrupt();
		worker.join(TimeUnit.SECONDS.toMillis(10));
		assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
		assertThat(gauge("job.inflight", "export")).isZero();
		assertThat(exceptions("export", "failure", "InterruptedException")).isEqualTo(1);
	}

	@Test
	void invalidJobNameNeverBreaksTheJob() throws Exception {
		assertThat(this.tracer.trace(" ", null, () -> 42)).isEqualTo(42);
		JobRun run = this.tracer.start(null, null);
		run.failed(new IllegalStateException());
		run.close();
		assertThat(this.registry.getMeters())
			.allSatisfy((meter) -> assertThat(meter.getId().getName()).isEqualTo("job.metrics.label.overflow"));
	}

	@Test
	void workedSecondsReadsWhatTheCounterWouldShow() {
		JobRun run = this.tracer.start("export", "invoices");
		this.clock.add(Duration.ofSeconds(4));
		assertThat(this.tracer.workedSeconds("export", "invoices")).isEqualTo(scrape("export", "invoices"))
			.isEqualTo(4.0);
		assertThat(this.tracer.workedSeconds("unknown", null)).isZero();
		run.close();
	}

	@Test
	void emptyQueueIsReportedAsNone() {
		this.tracer.start("export", "").close();
		assertThat(this.registry.get("job.worked").tag("queue", "none").functionCounter()).isNotNull();
	}

	@Test
	void durationHistogramUsesTheDefaultBucketsFrom5MillisecondsTo6Hours() {
		this.tracer.register("export", null);
		double[] buckets = java.util.Arrays
			.stream(this.registry.get("job.duration").timer().takeSnapshot().histogramCounts())
			.mapToDouble((count) -> count.bucket(TimeUnit.SECONDS))
			.toArray();
		assertThat(buckets).hasSize(20).startsWith(0.005).endsWith(21600.0);
	}

	@Test
	void extraTagsOfOneJobAppearOnEveryJobWithNoneWhereUnset() {
		MicrometerJobTracer tracer = new MicrometerJobTracer(this.registry,
				JobMeterSettings.defaults().withJobTags("export", java.util.Map.of("team", "billing")));
		tracer.register("export", null);
		tracer.register("cleanup", null);
		assertThat(this.registry.get("job.worked").tag("job.name", "export").tag("team", "billing").functionCounter())
			.isNotNull();
		assertThat(this.registry.get("job.worked").tag("job.name", "cleanup").tag("team", "none").functionCounter())
			.isNotNull();
	}

	@Test
	void runInFlightDuringAWaitKeepsCountingOnTheRealClock() {
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		MicrometerJobTracer tracer = new MicrometerJobTracer(registry);
		try (JobRun run = tracer.start("export")) {
			double first = tracer.workedSeconds("export", null);
			await().atMost(Duration.ofSeconds(5)).until(() -> tracer.workedSeconds("export", null) > first + 0.05);
		}
		assertThat(tracer.workedSeconds("export", null))
			.isCloseTo(registry.get("job.duration").timer().totalTime(TimeUnit.SECONDS), within(1e-9));
	}

	private double scrape(String job, String queue) {
		return this.registry.get("job.worked")
			.tag("job.name", job)
			.tag("queue", (queue != null) ? queue : "none")
			.functionCounter()
			.count();
	}

	private double lastSuccess(String job) {
		return gauge("job.last.success.timestamp", job);
	}

	private boolean isStale(String job) {
		return wallSeconds() - lastSuccess(job) > 7200;
	}

	private double wallSeconds() {
		return this.clock.wallTime() / 1e3;
	}

	private double gauge(String name, String job) {
		return this.registry.get(name).tag("job.name", job).gauge().value();
	}

	private double executions(String job, String result) {
		return this.registry.get("job.executions").tags("job.name", job, "result", result).functionCounter().count();
	}

	private double exceptions(String job, String result, String exception) {
		return this.registry.get("job.exceptions")
			.tags("job.name", job, "result", result, "exception", exception)
			.counter()
			.count();
	}

}
