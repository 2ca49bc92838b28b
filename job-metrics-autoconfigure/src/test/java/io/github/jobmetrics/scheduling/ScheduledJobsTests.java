package io.github.jobmetrics.scheduling;

import java.lang.reflect.Method;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.jobmetrics.BootMetricsAutoConfigurations;
import io.github.jobmetrics.JobTracer;
import io.github.jobmetrics.TracedJob;
import io.github.jobmetrics.autoconfigure.JobMetricsAutoConfiguration;
import io.github.jobmetrics.autoconfigure.JobMetricsSchedulingAutoConfiguration;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.Trigger;
import org.springframework.scheduling.TriggerContext;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.concurrent.SimpleAsyncTaskScheduler;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.scheduling.support.ScheduledMethodRunnable;
import org.springframework.util.ReflectionUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ScheduledJobsConfigurer} and {@link WorkerCapacityMeters} in real contexts with Spring
 * Boot's {@code ThreadPoolTaskScheduler}.
 */
class ScheduledJobsTests {

	private static final Duration PERIOD = Duration.ofMillis(100);

	// Longer than the period, so that on a pool of one thread the two jobs keep each other waiting.
	private static final Duration WORK = Duration.ofMillis(150);

	// Between the lag's clock readings and the job's own there is only our wrapper, Spring's reflective call
	// and the proxy: microseconds, plus whatever pause the shared 2-core build machine inflicts (a GC, a
	// descheduled thread). Any mistake of schedule arithmetic (a run planned one period off, the previous
	// start taken for its end) is off by at least a period (100 ms) or the work (150 ms): a quarter of the
	// period absorbs the noise and still catches each of them.
	private static final long TOLERANCE = PERIOD.toNanos() / 4;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(BootMetricsAutoConfigurations.with(TaskSchedulingAutoConfiguration.class,
				JobMetricsAutoConfiguration.class, JobMetricsSchedulingAutoConfiguration.class));

	@Test
	void lagOfEachRunOnABusyPoolOfOneMatchesTheDelayTheJobsMeasure() {
		this.contextRunner.withPropertyValues("spring.task.scheduling.pool.size=1")
			.withUserConfiguration(BusyJobs.class)
			.run((context) -> {
				FixedDelayJob fixedDelay = context.getBean(FixedDelayJob.class);
				FixedRateJob fixedRate = context.getBean(FixedRateJob.class);
				await().atMost(Duration.ofSeconds(30))
					.until(() -> fixedDelay.runs().size() >= 6 && fixedRate.runs().size() >= 6);
				// Run 0 of each job is the first call through the proxy, Spring's reflection and the tracer: between
				// the lag's clock reading and the job's it loads classes, 12-23 ms on an idle 2-core machine and 26 ms
				// on a loaded one, so the checks begin after it.
				List<Run> delayRuns = List.copyOf(fixedDelay.runs());
				for (int n = 2; n < 6; n++) {
					// Fixed delay: planned one delay after the previous run ended.
					long expected = delayRuns.get(n).start - (delayRuns.get(n - 1).end + PERIOD.toNanos());
					assertThat(delayRuns.get(n).recordedLag).isLessThanOrEqualTo(expected)
						.isCloseTo(expected, within(TOLERANCE));
				}
				assertThat(delayRuns.subList(2, 6)).anyMatch((run) -> run.recordedLag > TOLERANCE);
				List<Run> rateRuns = List.copyOf(fixedRate.runs());
				for (int n = 2; n < 6; n++) {
					// Fixed rate: run n planned n - 1 periods after run 1, however late run 1 was.
					long expected = (rateRuns.get(n).start - rateRuns.get(1).start) - (n - 1) * PERIOD.toNanos();
					assertThat(rateRuns.get(n).recordedLag - rateRuns.get(1).recordedLag)
						.isCloseTo(expected, within(TOLERANCE));
				}
				// Both jobs need 300 ms of every 100 ms: the fixed-rate one falls further behind at each run.
				assertThat(rateRuns.get(5).recordedLag).isGreaterThan(rateRuns.get(2).recordedLag + PERIOD.toNanos());
			});
	}

	@Test
	void lagOfATriggerTaskLiesBetweenTheStartSpringRecordsAndTheStartTheJobSees() {
		this.contextRunner.withPropertyValues("spring.task.scheduling.pool.size=1")
			.withUserConfiguration(TriggeredJobConfiguration.class)
			.run((context) -> {
				TriggeredJob job = context.getBean(TriggeredJob.class);
				RecordingTrigger trigger = context.getBean(RecordingTrigger.class);
				await().atMost(Duration.ofSeconds(30)).until(() -> trigger.actualStarts.size() >= 4);
				// The trigger's own plan, Spring's reading of the start (taken just before ours) and the
				// job's (taken just after): our lag is between the two, with no tolerance at all.
				for (int n = 0; n < 4; n++) {
					Instant planned = trigger.planned.get(n);
					long springLag = Duration.between(planned, trigger.actualStarts.get(n)).toNanos();
					long jobLag = Duration.between(planned, job.starts().get(n)).toNanos();
					assertThat(job.recordedLags().get(n)).isBetween(springLag - 1_000, jobLag + 1_000);
				}
				assertThat(job.recordedLags().get(3)).isGreaterThan(PERIOD.toNanos());
			});
	}

	@Test
	void lagStaysNearZeroWhenAWorkerIsFree() {
		this.contextRunner.withPropertyValues("spring.task.scheduling.pool.size=4")
			.withUserConfiguration(FreePoolJobs.class)
			.run((context) -> {
				QuickJob job = context.getBean(QuickJob.class);
				await().atMost(Duration.ofSeconds(30)).until(() -> job.runs().size() >= 5);
				// A free worker only has to wake up, where waiting for a busy one costs at least half a period (the
				// busy test). Half a period is the bound, not the few milliseconds a quiet machine shows, so that a
				// loaded build machine does not fail it; a copy, since the job keeps running.
				List<Run> runs = List.copyOf(job.runs());
				assertThat(runs.subList(1, 5)).allSatisfy((run) -> assertThat(run.recordedLag).isBetween(0L,
						PERIOD.toNanos() / 2));
				io.micrometer.core.instrument.distribution.HistogramSnapshot lags = context.getBean(MeterRegistry.class)
					.get("job.schedule.lag")
					.tag("job.name", "QuickJob.run")
					.timer()
					.takeSnapshot();
				// Every lag the job saw within half a period is in the histogram's bucket of half a period. Not all of
				// the histogram: it also holds the first run, which waits for the context to start, and the runs
				// since the copy.
				long withinHalfAPeriod = runs.stream()
					.filter((run) -> run.recordedLag <= PERIOD.toNanos() / 2)
					.count();
				assertThat(java.util.Arrays.stream(lags.histogramCounts())
					.filter((count) -> count.bucket(TimeUnit.MILLISECONDS) == 50)
					.findFirst()
					.orElseThrow()
					.count()).isGreaterThanOrEqualTo(withinHalfAPeriod);
			});
	}

	@Test
	void zeroCodeTracesEveryScheduledMethodUnderItsClassAndMethodNameAndRegistersItAtStartup() {
		this.contextRunner.withPropertyValues("job-metrics.instrument.scheduled=true")
			.withUserConfiguration(PlainJobs.class)
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.get("job.worked").tag("job.name", "NeverDueJob.run").tag("queue", "none")
					.functionCounter().count()).isZero();
				assertThat(registry.get("job.schedule.lag").tag("job.name", "NeverDueJob.run").timer().count())
					.isZero();
				PlainJob job = context.getBean(PlainJob.class);
				await().atMost(Duration.ofSeconds(10)).until(() -> job.runs.get() >= 3);
				assertThat(registry.get("job.executions").tag("job.name", "PlainJob.work").tag("result", "success")
					.functionCounter().count()).isGreaterThanOrEqualTo(2);
				assertThat(registry.get("job.exceptions").tag("job.name", "FailingJob.fail").tag("result", "failure")
					.tag("exception", "IllegalStateException").counter().count()).isGreaterThanOrEqualTo(1);
				assertThat(registry.get("job.schedule.lag").tag("job.name", "PlainJob.work").timer().count())
					.isGreaterThanOrEqualTo(3);
			});
	}

	@Test
	void aTracedServiceCalledByAZeroCodeScheduledJobIsNestedSoTheThreadCountsOnce() {
		MockClock clock = new MockClock();
		this.contextRunner.withPropertyValues("job-metrics.instrument.scheduled=true")
			.withBean(io.micrometer.core.instrument.Clock.class, () -> clock)
			.withUserConfiguration(NestingJobs.class)
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				InvoiceService service = context.getBean(InvoiceService.class);
				// The scheduled body is inside the service's traced call, on the scheduler's thread.
				await().atMost(Duration.ofSeconds(10))
					.until(() -> registry.get("job.inflight").tag("job.name", "invoice-print").gauge().value() == 1);
				clock.add(Duration.ofSeconds(10));
				assertThat(worked(registry, "NightlyPrint.run")).isEqualTo(10);
				assertThat(worked(registry, "invoice-print")).isZero();
				service.release();
				await().atMost(Duration.ofSeconds(10))
					.until(() -> registry.get("job.inflight").tag("job.name", "NightlyPrint.run").gauge().value() == 0);
				// Both runs are counted, the one thread's 10 seconds once.
				assertThat(executions(registry, "NightlyPrint.run")).isOne();
				assertThat(executions(registry, "invoice-print")).isOne();
				assertThat(worked(registry, "NightlyPrint.run") + worked(registry, "invoice-print")).isEqualTo(10);
			});
	}

	@Test
	void zeroCodeIsOffByDefaultSoUnannotatedMethodsHaveNoJobMeters() {
		this.contextRunner.withUserConfiguration(PlainJobs.class).run((context) -> {
			PlainJob job = context.getBean(PlainJob.class);
			// The second run has started, so the first has ended and anything it recorded is there.
			await().atMost(Duration.ofSeconds(10)).until(() -> job.runs.get() >= 2);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.find("job.worked").meters()).isEmpty();
			assertThat(registry.find("job.executions").meters()).isEmpty();
			assertThat(registry.find("job.schedule.lag").meters()).isEmpty();
		});
	}

	@Test
	void anExplicitTracedJobWinsOverZeroCodeAndEachRunIsCountedOnce() {
		this.contextRunner.withPropertyValues("job-metrics.instrument.scheduled=true")
			.withUserConfiguration(ExplicitJobConfiguration.class)
			.run(this::assertTracedOnceAsExplicit);
	}

	@Test
	void anExplicitTracedJobOnAScheduledMethodHasItsLagWithoutZeroCode() {
		this.contextRunner.withUserConfiguration(ExplicitJobConfiguration.class).run(this::assertTracedOnceAsExplicit);
	}

	private void assertTracedOnceAsExplicit(AssertableApplicationContext context) {
		MeterRegistry registry = context.getBean(MeterRegistry.class);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> executions(registry, "invoice-export") >= 1
					&& registry.get("job.inflight").tag("job.name", "invoice-export").gauge().value() == 0);
		assertThat(executions(registry, "invoice-export")).isOne();
		assertThat(registry.get("job.schedule.lag").tag("job.name", "invoice-export").tag("queue", "invoices")
			.timer().count()).isOne();
		assertThat(registry.find("job.worked").tag("job.name", "ExplicitJob.export").meters()).isEmpty();
		assertThat(registry.find("job.schedule.lag").tag("job.name", "ExplicitJob.export").meters()).isEmpty();
	}

	@Test
	void aFailingTracerNeverReachesTheScheduledJob() {
		this.contextRunner.withPropertyValues("job-metrics.instrument.scheduled=true")
			.withUserConfiguration(PlainJobs.class)
			.withBean(JobTracer.class, () -> (name, queue) -> {
				throw new IllegalStateException("broken tracer");
			})
			.run((context) -> {
				PlainJob job = context.getBean(PlainJob.class);
				await().atMost(Duration.ofSeconds(10)).until(() -> job.runs.get() >= 2);
				assertThat(context.getBean(MeterRegistry.class).get("job.schedule.lag")
					.tag("job.name", "PlainJob.work").timer().count()).isGreaterThanOrEqualTo(2);
			});
	}

	@Test
	void eachScheduledJobNamesTheSchedulerPoolThatRunsItWhoseCapacityItUses() {
		this.contextRunner.withPropertyValues("job-metrics.instrument.scheduled=true")
			.withUserConfiguration(TwoPoolJobs.class)
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(pool(registry, "DefaultPoolJob.run")).isEqualTo("taskScheduler");
				assertThat(pool(registry, "ReportJob.run")).isEqualTo("reportScheduler");
				assertThat(registry.get("job.schedule.pool").tag("job.name", "ReportJob.run").gauge().value()).isOne();
				// An explicit @TracedJob is scheduled work too, under its own name and queue.
				assertThat(registry.get("job.schedule.pool").tag("job.name", "invoice-export").tag("queue", "invoices")
					.tag("pool", "taskScheduler").gauge().value()).isOne();
				assertThat(registry.get("job.worker.capacity").tag("pool", "reportScheduler").gauge().value())
					.isEqualTo(2);
			});
	}

	@Test
	void workerCapacityIsThePoolSizeOfEachScheduler() {
		this.contextRunner.withPropertyValues("spring.task.scheduling.pool.size=3")
			.withUserConfiguration(PlainJobs.class)
			.run((context) -> assertThat(context.getBean(MeterRegistry.class).get("job.worker.capacity")
				.tag("pool", "taskScheduler").tag("queue", "none").gauge().value()).isEqualTo(3));
	}

	@Test
	void workerCapacityOfASimpleAsyncTaskSchedulerIsItsConcurrencyLimitOrUnbounded() {
		this.contextRunner.withUserConfiguration(PlainJobs.class).withBean("taskScheduler",
				SimpleAsyncTaskScheduler.class, () -> {
					SimpleAsyncTaskScheduler scheduler = new SimpleAsyncTaskScheduler();
					scheduler.setConcurrencyLimit(5);
					return scheduler;
				})
			.withBean("virtualScheduler", SimpleAsyncTaskScheduler.class, SimpleAsyncTaskScheduler::new)
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.get("job.worker.capacity").tag("pool", "taskScheduler").gauge().value())
					.isEqualTo(5);
				assertThat(registry.get("job.worker.capacity").tag("pool", "virtualScheduler").gauge().value())
					.isEqualTo(Double.POSITIVE_INFINITY);
			});
	}

	private static String pool(MeterRegistry registry, String jobName) {
		return registry.get("job.schedule.pool").tag("job.name", jobName).gauge().getId().getTag("pool");
	}

	private static double worked(MeterRegistry registry, String jobName) {
		return registry.get("job.worked").tag("job.name", jobName).functionCounter().count();
	}

	private static double executions(MeterRegistry registry, String jobName) {
		return registry.find("job.executions").tag("job.name", jobName).functionCounters().stream()
			.mapToDouble((counter) -> counter.count())
			.sum();
	}

	private static double bucketCount(MeterRegistry registry, String jobName, Duration bucket) {
		for (CountAtBucket count : registry.get("job.schedule.lag").tag("job.name", jobName).timer()
			.takeSnapshot()
			.histogramCounts()) {
			if (count.bucket(TimeUnit.NANOSECONDS) == bucket.toNanos()) {
				return count.count();
			}
		}
		throw new AssertionError("No bucket " + bucket);
	}

	/**
	 * One run as a job sees it: its own start and end, and the lag recorded for it just before it started.
	 */
	record Run(long start, long end, long recordedLag) {
	}

	/**
	 * A job that records its runs; the lag of a run is the growth of its timer's total, read from inside the
	 * run (recorded just before it on the same thread).
	 */
	abstract static class RecordingJob {

		final List<Run> runs = new CopyOnWriteArrayList<>();

		private final MeterRegistry registry;

		private double lagTotal;

		RecordingJob(MeterRegistry registry) {
			this.registry = registry;
		}

		// The bean is a proxy (it is traced): its state is read through a method.
		public List<Run> runs() {
			return this.runs;
		}

		void work(String jobName, Duration work) {
			long start = System.nanoTime();
			double total = this.registry.get("job.schedule.lag").tag("job.name", jobName).timer()
				.totalTime(TimeUnit.NANOSECONDS);
			long lag = Math.round(total - this.lagTotal);
			this.lagTotal = total;
			// The work itself, which the scheduler must wait for: not a wait for a condition.
			sleep(work);
			this.runs.add(new Run(start, System.nanoTime(), lag));
		}

	}

	static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	static class FixedDelayJob extends RecordingJob {

		FixedDelayJob(MeterRegistry registry) {
			super(registry);
		}

		@Scheduled(fixedDelay = 100)
		@TracedJob
		public void run() {
			work("FixedDelayJob.run", WORK);
		}

	}

	static class FixedRateJob extends RecordingJob {

		FixedRateJob(MeterRegistry registry) {
			super(registry);
		}

		@Scheduled(fixedRate = 100)
		@TracedJob
		public void run() {
			work("FixedRateJob.run", WORK);
		}

	}

	static class QuickJob extends RecordingJob {

		QuickJob(MeterRegistry registry) {
			super(registry);
		}

		@Scheduled(fixedDelay = 100)
		@TracedJob
		public void run() {
			work("QuickJob.run", Duration.ZERO);
		}

	}

	// Not a @Configuration, which component scanning of other tests' applications would pick up.
	@EnableScheduling
	static class BusyJobs {

		@Bean
		FixedDelayJob fixedDelayJob(MeterRegistry registry) {
			return new FixedDelayJob(registry);
		}

		@Bean
		FixedRateJob fixedRateJob(MeterRegistry registry) {
			return new FixedRateJob(registry);
		}

	}

	// Not a @Configuration, which component scanning of other tests' applications would pick up.
	@EnableScheduling
	static class FreePoolJobs {

		@Bean
		QuickJob quickJob(MeterRegistry registry) {
			return new QuickJob(registry);
		}

	}

	/**
	 * A job scheduled by a {@link SchedulingConfigurer}, not by {@code @Scheduled}.
	 */
	static class TriggeredJob {

		final List<Instant> starts = new CopyOnWriteArrayList<>();

		final List<Long> recordedLags = new CopyOnWriteArrayList<>();

		private final MeterRegistry registry;

		private double lagTotal;

		TriggeredJob(MeterRegistry registry) {
			this.registry = registry;
		}

		public List<Instant> starts() {
			return this.starts;
		}

		public List<Long> recordedLags() {
			return this.recordedLags;
		}

		@TracedJob("triggered")
		public void run() {
			this.starts.add(Clock.systemDefaultZone().instant());
			double total = this.registry.get("job.schedule.lag").tag("job.name", "triggered").timer()
				.totalTime(TimeUnit.NANOSECONDS);
			this.recordedLags.add(Math.round(total - this.lagTotal));
			this.lagTotal = total;
			sleep(WORK);
		}

	}

	/**
	 * Plans a run every period from the first, for five runs, and keeps what Spring tells it of each.
	 */
	static class RecordingTrigger implements Trigger {

		final List<Instant> planned = new CopyOnWriteArrayList<>();

		final List<Instant> actualStarts = new CopyOnWriteArrayList<>();

		@Override
		public @Nullable Instant nextExecution(TriggerContext context) {
			Instant actual = context.lastActualExecution();
			if (actual != null) {
				this.actualStarts.add(actual);
			}
			if (this.planned.size() == 5) {
				return null;
			}
			Instant next = this.planned.isEmpty() ? context.getClock().instant()
					: this.planned.get(this.planned.size() - 1).plus(PERIOD);
			this.planned.add(next);
			return next;
		}

	}

	// Not a @Configuration, which component scanning of other tests' applications would pick up.
	@EnableScheduling
	static class TriggeredJobConfiguration {

		@Bean
		TriggeredJob triggeredJob(MeterRegistry registry) {
			return new TriggeredJob(registry);
		}

		@Bean
		RecordingTrigger recordingTrigger() {
			return new RecordingTrigger();
		}

		@Bean
		SchedulingConfigurer triggeredJobScheduling(TriggeredJob job, RecordingTrigger trigger) {
			Method run = ReflectionUtils.findMethod(TriggeredJob.class, "run");
			return (registrar) -> registrar.addTriggerTask(new ScheduledMethodRunnable(job, run), trigger);
		}

	}

	static class PlainJob {

		final AtomicInteger runs = new AtomicInteger();

		@Scheduled(fixedDelay = 20)
		void work() {
			this.runs.incrementAndGet();
		}

	}

	static class FailingJob {

		@Scheduled(fixedDelay = 20)
		void fail() {
			throw new IllegalStateException("failed on purpose");
		}

	}

	static class NeverDueJob {

		@Scheduled(fixedDelay = 1, initialDelay = 1, timeUnit = TimeUnit.DAYS)
		void run() {
		}

	}

	// Not a @Configuration, which component scanning of other tests' applications would pick up.
	@EnableScheduling
	static class PlainJobs {

		@Bean
		PlainJob plainJob() {
			return new PlainJob();
		}

		@Bean
		FailingJob failingJob() {
			return new FailingJob();
		}

		@Bean
		NeverDueJob neverDueJob() {
			return new NeverDueJob();
		}

	}

	/**
	 * A {@code @TracedJob} service that a scheduled job calls; each call holds its thread until released.
	 */
	static class InvoiceService {

		private final CountDownLatch released = new CountDownLatch(1);

		@TracedJob("invoice-print")
		public void print() throws InterruptedException {
			this.released.await();
		}

		public void release() {
			this.released.countDown();
		}

	}

	static class NightlyPrint {

		private final InvoiceService service;

		NightlyPrint(InvoiceService service) {
			this.service = service;
		}

		// Runs once at start-up, then not for a day.
		@Scheduled(fixedDelay = 1, timeUnit = TimeUnit.DAYS)
		void run() throws InterruptedException {
			this.service.print();
		}

	}

	// Not a @Configuration, which component scanning of other tests' applications would pick up.
	@EnableScheduling
	static class NestingJobs {

		@Bean
		InvoiceService invoiceService() {
			return new InvoiceService();
		}

		@Bean
		NightlyPrint nightlyPrint(InvoiceService invoiceService) {
			return new NightlyPrint(invoiceService);
		}

	}

	static class DefaultPoolJob {

		@Scheduled(fixedDelay = 1, timeUnit = TimeUnit.DAYS)
		void run() {
		}

	}

	static class ReportJob {

		@Scheduled(fixedDelay = 1, timeUnit = TimeUnit.DAYS, scheduler = "reportScheduler")
		void run() {
		}

	}

	// Not a @Configuration, which component scanning of other tests' applications would pick up.
	@EnableScheduling
	static class TwoPoolJobs {

		@Bean
		ThreadPoolTaskScheduler taskScheduler() {
			return new ThreadPoolTaskScheduler();
		}

		@Bean
		ThreadPoolTaskScheduler reportScheduler() {
			ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
			scheduler.setPoolSize(2);
			return scheduler;
		}

		@Bean
		DefaultPoolJob defaultPoolJob() {
			return new DefaultPoolJob();
		}

		@Bean
		ReportJob reportJob() {
			return new ReportJob();
		}

		@Bean
		ExplicitJob explicitJob() {
			return new ExplicitJob();
		}

	}

	static class ExplicitJob {

		// Runs once at start-up, then not for a day.
		@Scheduled(fixedDelay = 1, timeUnit = TimeUnit.DAYS)
		@TracedJob(name = "invoice-export", queue = "invoices")
		public void export() {
		}

	}

	// Not a @Configuration, which component scanning of other tests' applications would pick up.
	@EnableScheduling
	static class ExplicitJobConfiguration {

		@Bean
		ExplicitJob explicitJob() {
			return new ExplicitJob();
		}

	}

}
