package io.github.jobmetrics.quartz;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.jobmetrics.BootMetricsAutoConfigurations;
import io.github.jobmetrics.TracedJob;
import io.github.jobmetrics.autoconfigure.JobMetricsAutoConfiguration;
import io.github.jobmetrics.JobTracer;
import io.github.jobmetrics.autoconfigure.JobMetricsObservationAutoConfiguration;
import io.github.jobmetrics.autoconfigure.JobMetricsQuartzAutoConfiguration;
import io.github.jobmetrics.observation.ObservedJobTracer;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.test.simple.SimpleSpan;
import io.micrometer.tracing.test.simple.SimpleTracer;
import io.github.jobmetrics.micrometer.MicrometerJobTracer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.JobKey;
import org.quartz.JobListener;
import org.quartz.Scheduler;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.listeners.JobListenerSupport;
import org.quartz.listeners.TriggerListenerSupport;
import org.quartz.simpl.SimpleJobFactory;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.scheduling.quartz.QuartzJobBean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link QuartzJobMetrics} with real Quartz schedulers that Spring Boot's auto-configuration builds, with
 * its RAM job store and with a JDBC job store on an embedded H2 database, on every Boot line.
 */
@ExtendWith(OutputCaptureExtension.class)
class QuartzJobMetricsTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final Map<String, AtomicInteger> executions = new ConcurrentHashMap<>();

	private static volatile CountDownLatch release = new CountDownLatch(0);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(BootMetricsAutoConfigurations.with(BootQuartzAutoConfigurations.quartz(),
				JobMetricsAutoConfiguration.class, JobMetricsQuartzAutoConfiguration.class));

	@BeforeEach
	void reset() {
		executions.clear();
		release = new CountDownLatch(0);
	}

	@Test
	void countsEveryExecutionOfAJobAsOneSuccessWithNoCode() {
		withJob(this.contextRunner, CountingJobBean.class, COUNTING, 5).run((context) -> {
			await().atMost(TIMEOUT).until(() -> ran("counting") == 5);
			await().atMost(TIMEOUT).until(() -> executions(context, "counting", "success") == 5);
			assertThat(executions(context, "counting", "failure")).isZero();
			assertThat(context.getBean(MeterRegistry.class).get("job.schedule.lag").tag("job.name", "counting")
				.timer().count()).isEqualTo(5);
		});
	}

	@Test
	void namesAJobOutsideTheDefaultGroupGroupDotName() {
		withJob(this.contextRunner, CountingJobBean.class, JobKey.jobKey("daily", "reports"), 1).run((context) -> {
			await().atMost(TIMEOUT).until(() -> executions(context, "reports.daily", "success") == 1);
		});
	}

	@Test
	void aLongExecutionIsInFlightAndWorksWhileItRuns() {
		release = new CountDownLatch(1);
		withJob(this.contextRunner, LatchedJobBean.class, JobKey.jobKey("latched"), 1).run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			MicrometerJobTracer tracer = context.getBean(MicrometerJobTracer.class);
			await().atMost(TIMEOUT).until(() -> registry.get("job.inflight").tag("job.name", "latched").gauge()
				.value() == 1);
			double first = tracer.workedSeconds("latched", null);
			await().atMost(TIMEOUT).until(() -> tracer.workedSeconds("latched", null) > first + 0.05);
			assertThat(executions(context, "latched", "success")).isZero();
			release.countDown();
			await().atMost(TIMEOUT).until(() -> executions(context, "latched", "success") == 1);
			assertThat(registry.get("job.inflight").tag("job.name", "latched").gauge().value()).isZero();
		});
	}

	@Test
	void anExecutionThatThrowsIsAFailureNamedByWhatTheJobThrew() {
		withJob(this.contextRunner, FailingJobBean.class, JobKey.jobKey("failing"), 1).run((context) -> {
			await().atMost(TIMEOUT).until(() -> executions(context, "failing", "failure") == 1);
			assertThat(executions(context, "failing", "success")).isZero();
			assertThat(context.getBean(MeterRegistry.class).get("job.exceptions").tag("job.name", "failing")
				.tag("exception", "IllegalStateException").counter().count()).isEqualTo(1);
		});
	}

	@Test
	void anExecutionRefiredImmediatelyIsARetryAndItsRefireARunOfItsOwn() {
		withJob(this.contextRunner, RefiredJobBean.class, JobKey.jobKey("refired"), 1).run((context) -> {
			await().atMost(TIMEOUT).until(() -> executions(context, "refired", "success") == 1);
			assertThat(executions(context, "refired", "retry")).isEqualTo(1);
			assertThat(executions(context, "refired", "failure")).isZero();
			assertThat(ran("refired")).isEqualTo(2);
		});
	}

	@Test
	void countsAMisfireOfATriggerWhoseFireTimeIsPastTheThreshold() {
		withJob(this.contextRunner, misfiredJob(), misfiredTrigger())
			.withPropertyValues("spring.quartz.properties.org.quartz.jobStore.misfireThreshold=1000")
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				await().atMost(TIMEOUT).until(() -> executions(context, "misfired", "success") == 1);
				assertThat(registry.get("job.misfires").tag("job.name", "misfired").counter().count()).isEqualTo(1);
			});
	}

	@Test
	void buildsTheSeriesOfKnownJobsBeforeTheirFirstRun() {
		withJob(this.contextRunner, CountingJobBean.class, COUNTING, 5)
			.withPropertyValues("spring.quartz.auto-startup=false",
					"spring.quartz.properties.org.quartz.threadPool.threadCount=3")
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(executions(context, "counting", "success")).isZero();
				assertThat(registry.get("job.misfires").tag("job.name", "counting").counter().count()).isZero();
				assertThat(registry.get("job.schedule.lag").tag("job.name", "counting").timer().count()).isZero();
				assertThat(registry.get("job.worker.capacity").tag("pool", "quartzScheduler").gauge().value())
					.isEqualTo(3);
				assertThat(registry.get("job.schedule.pool").tag("job.name", "counting").tag("pool", "quartzScheduler")
					.gauge().value()).isEqualTo(1);
				assertThat(ran("counting")).isZero();
			});
	}

	@Test
	void aTracedJobOnExecuteInternalIsTracedOnceUnderItsName() {
		withJob(this.contextRunner, AnnotatedJobBean.class, JobKey.jobKey("annotatedKey"), 1).run((context) -> {
			await().atMost(TIMEOUT).until(() -> executions(context, "annotated-report", "success") == 1);
			assertThat(ran("annotated")).isEqualTo(1);
			// Neither a second run under the JobKey's name nor a nested one under the annotation's.
			assertThat(Search.in(context.getBean(MeterRegistry.class)).name("job.executions")
				.tag("job.name", "annotatedKey").functionCounters()).isEmpty();
			await().during(Duration.ofMillis(200)).atMost(TIMEOUT)
				.until(() -> executions(context, "annotated-report", "success") == 1);
			assertThat(context.getBean(MeterRegistry.class).get("job.schedule.lag")
				.tag("job.name", "annotated-report").timer().count()).isEqualTo(1);
		});
	}

	@Test
	void withoutZeroCodeATracedJobOnExecuteInternalIsStillTracedOnce() {
		withJob(this.contextRunner, AnnotatedJobBean.class, JobKey.jobKey("annotatedKey"), 1)
			.withPropertyValues("job-metrics.instrument.quartz=false")
			.run((context) -> {
				await().atMost(TIMEOUT).until(() -> ran("annotated") == 1);
				await().atMost(TIMEOUT).until(() -> executions(context, "annotated-report", "success") == 1);
				assertThat(Search.in(context.getBean(MeterRegistry.class)).name("job.executions")
					.tag("job.name", "annotatedKey").functionCounters()).isEmpty();
			});
	}

	@Test
	void aTracedJobThatTheJobFactoryDoesNotProxyIsSaidAndTracedOnceZeroCode(CapturedOutput output) {
		withJob(this.contextRunner, AnnotatedJobBean.class, JobKey.jobKey("annotatedKey"), 1)
			.withPropertyValues("spring.quartz.auto-startup=false")
			.run((context) -> {
				Scheduler scheduler = context.getBean(Scheduler.class);
				// Quartz's own factory: a plain instance, which no advisor reaches.
				scheduler.setJobFactory(new SimpleJobFactory());
				scheduler.start();
				await().atMost(TIMEOUT).until(() -> ran("annotated") == 1);
				await().atMost(TIMEOUT).until(() -> executions(context, "annotated-report", "success") == 1);
				assertThat(output).contains("the @TracedJob of Quartz job class " + AnnotatedJobBean.class.getName()
						+ " does not apply")
					.contains("traced zero-code as 'annotated-report'");
			});
	}

	@Test
	void aTracedJobOnAQuartzJobBeanClassIsSaidAtStartUpAndTracedZeroCode(CapturedOutput output) {
		withJob(this.contextRunner, ClassAnnotatedJobBean.class, JobKey.jobKey("classAnnotated"), 1).run((context) -> {
			assertThat(output).contains("@TracedJob on class " + ClassAnnotatedJobBean.class.getName())
				.contains("move @TracedJob onto executeInternal");
			await().atMost(TIMEOUT).until(() -> executions(context, "classAnnotated", "success") == 1);
		});
	}

	@Test
	void aVetoedExecutionIsNoRunAndLeavesNothingInFlight() {
		withJob(this.contextRunner, vetoedJob(), repeatedly(vetoedJob(), 20)).withPropertyValues("spring.quartz.auto-startup=false")
			.run((context) -> {
			Vetoer vetoer = new Vetoer();
			context.getBean(Scheduler.class).getListenerManager().addTriggerListener(vetoer);
			context.getBean(Scheduler.class).start();
			await().atMost(TIMEOUT).until(() -> vetoer.vetoes.get() >= 2);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(ran("vetoed")).isZero();
			for (String result : new String[] { "success", "failure", "retry", "cancelled" }) {
				assertThat(executions(context, "vetoed", result)).isZero();
			}
			assertThat(registry.get("job.inflight").tag("job.name", "vetoed").gauge().value()).isZero();
		});
	}

	@Test
	void anExecutionThatAnotherListenerAbortsIsNotLeftInFlight() {
		withJob(this.contextRunner, CountingJobBean.class, COUNTING, 5).withPropertyValues("spring.quartz.auto-startup=false")
			.run((context) -> {
			JobListener failing = new JobListenerSupport() {

				@Override
				public String getName() {
					return "failing";
				}

				@Override
				public void jobToBeExecuted(JobExecutionContext context) {
					throw new IllegalStateException("listener failed");
				}

			};
			context.getBean(Scheduler.class).getListenerManager().addJobListener(failing);
			context.getBean(Scheduler.class).start();
			await().atMost(TIMEOUT).until(() -> executions(context, "counting", "cancelled") >= 1);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			await().atMost(TIMEOUT).until(() -> registry.get("job.inflight").tag("job.name", "counting").gauge()
				.value() == 0);
			assertThat(ran("counting")).isZero();
		});
	}

	@Test
	void withoutZeroCodeOnlyRecordsLagAndMisfires() {
		withJob(this.contextRunner, CountingJobBean.class, COUNTING, 5)
			.withPropertyValues("job-metrics.instrument.quartz=false")
			.run((context) -> {
				await().atMost(TIMEOUT).until(() -> ran("counting") == 5);
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				await().atMost(TIMEOUT).until(() -> registry.get("job.schedule.lag").tag("job.name", "counting")
					.timer().count() == 5);
				assertThat(Search.in(registry).name("job.executions").tag("job.name", "counting").functionCounters())
					.isEmpty();
			});
	}

	@Test
	void capsTheJobNamesOfLagAndMisfires() {
		withJob(withJob(this.contextRunner, CountingJobBean.class, COUNTING, 5), CountingJobBean.class, JobKey.jobKey("daily", "reports"), 1)
			.withPropertyValues("job-metrics.max-job-names=1", "spring.quartz.auto-startup=false")
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(Search.in(registry).name("job.misfires").counters()).hasSize(2)
					.anyMatch((counter) -> "other".equals(counter.getId().getTag("job.name")));
			});
	}

	@Test
	void withATracingBridgeEachExecutionIsOneSpanCurrentInTheJobAndOneRun() {
		this.contextRunner.withConfiguration(BootQuartzAutoConfigurations.observation())
			.withConfiguration(AutoConfigurations.of(JobMetricsObservationAutoConfiguration.class))
			.withBean(Tracer.class, SimpleTracer::new)
			.run((context) -> {
				assertThat(context.getBean(JobTracer.class)).isInstanceOf(ObservedJobTracer.class);
				SimpleTracer tracer = (SimpleTracer) context.getBean(Tracer.class);
				spanInJob = tracer;
				withSpans.set(0);
				// Scheduled only now, once the job can see this context's tracer.
				Scheduler scheduler = context.getBean(Scheduler.class);
				JobDetail detail = JobBuilder.newJob(SpanJobBean.class).withIdentity("spanned").storeDurably().build();
				scheduler.scheduleJob(detail, times(detail, 3, 20));
				await().atMost(TIMEOUT).until(() -> executions(context, "spanned", "success") == 3);
				assertThat(ran("spanned")).isEqualTo(3);
				assertThat(withSpans).hasValue(3);
				assertThat(tracer.getSpans()).extracting(SimpleSpan::getName).containsExactly("spanned", "spanned",
						"spanned");
			});
	}

	@Test
	void backsOffWithoutQuartz() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(Scheduler.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(QuartzJobMetrics.class));
	}

	@Test
	void backsOffWithoutAScheduler() {
		new ApplicationContextRunner()
			.withConfiguration(BootMetricsAutoConfigurations.with(JobMetricsAutoConfiguration.class,
					JobMetricsQuartzAutoConfiguration.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(QuartzJobMetrics.class));
	}

	@Test
	void countsEachExecutionOnAJdbcJobStore() {
		withJob(withJob(jdbc(this.contextRunner, "jdbc-store"), CountingJobBean.class, COUNTING, 5), FailingJobBean.class, JobKey.jobKey("failing"), 1)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(Scheduler.class).getMetaData().isJobStoreSupportsPersistence()).isTrue();
				await().atMost(TIMEOUT).until(() -> ran("counting") == 5);
				await().atMost(TIMEOUT).until(() -> executions(context, "counting", "success") == 5);
				await().atMost(TIMEOUT).until(() -> executions(context, "failing", "failure") == 1);
			});
	}

	@Test
	void countsAMisfireOnAJdbcJobStore() {
		withJob(jdbc(this.contextRunner, "jdbc-misfire"), misfiredJob(), misfiredTrigger())
			.withPropertyValues("spring.quartz.properties.org.quartz.jobStore.misfireThreshold=1000")
			.run((context) -> {
				await().atMost(TIMEOUT).until(() -> executions(context, "misfired", "success") == 1);
				assertThat(context.getBean(MeterRegistry.class).get("job.misfires").tag("job.name", "misfired")
					.counter().count()).isEqualTo(1);
			});
	}

	@Test
	void eachNodeOfAClusterCountsTheExecutionsItRan() {
		executions.clear();
		ApplicationContextRunner clustered = jdbc(this.contextRunner, "cluster").withPropertyValues(
				"spring.quartz.properties.org.quartz.jobStore.isClustered=true",
				"spring.quartz.properties.org.quartz.scheduler.instanceId=AUTO",
				"spring.quartz.overwrite-existing-jobs=true");
		withJob(clustered, manyJob(), repeatedly(manyJob(), 50)).run((one) -> {
			withJob(clustered, manyJob(), repeatedly(manyJob(), 50)).run((two) -> {
				await().atMost(TIMEOUT).until(() -> ran("many") >= 20);
				one.getBean(Scheduler.class).standby();
				two.getBean(Scheduler.class).standby();
				await().atMost(TIMEOUT).until(() -> inFlight(one, "many") + inFlight(two, "many") == 0);
				String nodeOne = one.getBean(Scheduler.class).getSchedulerInstanceId();
				String nodeTwo = two.getBean(Scheduler.class).getSchedulerInstanceId();
				assertThat(executions(one, "many", "success")).isEqualTo(ranOn(nodeOne));
				assertThat(executions(two, "many", "success")).isEqualTo(ranOn(nodeTwo));
				assertThat(executions(one, "many", "success") + executions(two, "many", "success"))
					.isEqualTo(ran("many"));
			});
		});
	}

	private static ApplicationContextRunner jdbc(ApplicationContextRunner runner, String database) {
		return runner
			.withConfiguration(BootQuartzAutoConfigurations.dataSource())
			.withPropertyValues("spring.quartz.job-store-type=jdbc", "spring.quartz.jdbc.initialize-schema=always",
					"spring.datasource.url=jdbc:h2:mem:" + database + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
	}

	private static double inFlight(AssertableApplicationContext context, String job) {
		return context.getBean(MeterRegistry.class).get("job.inflight").tag("job.name", job).gauge().value();
	}

	private static int ran(String job) {
		AtomicInteger count = executions.get(job);
		return (count != null) ? count.get() : 0;
	}

	private static int ranOn(String node) {
		return ran("many@" + node);
	}

	private static double executions(AssertableApplicationContext context, String job, String result) {
		FunctionCounter counter = Search.in(context.getBean(MeterRegistry.class)).name("job.executions")
			.tag("job.name", job).tag("result", result).functionCounter();
		return (counter != null) ? counter.count() : 0;
	}

	private static void ran(String job, JobExecutionContext context) {
		executions.computeIfAbsent(job, (key) -> new AtomicInteger()).incrementAndGet();
		try {
			executions.computeIfAbsent(job + "@" + context.getScheduler().getSchedulerInstanceId(),
					(key) -> new AtomicInteger()).incrementAndGet();
		}
		catch (org.quartz.SchedulerException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static final JobKey COUNTING = JobKey.jobKey("counting");

	// A job of the given class, under the given key, that its trigger fires the given number of times 20 ms apart.
	private static ApplicationContextRunner withJob(ApplicationContextRunner runner, Class<? extends Job> type,
			JobKey key, int times) {
		JobDetail detail = JobBuilder.newJob(type).withIdentity(key).storeDurably().build();
		return withJob(runner, detail, times(detail, times, 20));
	}

	// The job and trigger as beans, which Spring Boot's auto-configuration adds to the scheduler.
	private static ApplicationContextRunner withJob(ApplicationContextRunner runner, JobDetail detail,
			Trigger trigger) {
		String name = detail.getKey().toString();
		return runner.withBean(name + "Job", JobDetail.class, () -> detail)
			.withBean(name + "Trigger", Trigger.class, () -> trigger);
	}

	private static JobDetail misfiredJob() {
		return JobBuilder.newJob(CountingJobBean.class).withIdentity("misfired").storeDurably().build();
	}

	// Planned a minute ago: past the misfire threshold of one second when the scheduler first looks at it, so it
	// misfires, and its misfire instruction (fire now) then runs it once.
	private static Trigger misfiredTrigger() {
		return TriggerBuilder.newTrigger()
			.forJob(JobKey.jobKey("misfired"))
			.startAt(Date.from(Instant.now().minus(Duration.ofMinutes(1))))
			.withSchedule(SimpleScheduleBuilder.simpleSchedule().withMisfireHandlingInstructionFireNow())
			.build();
	}

	private static JobDetail vetoedJob() {
		return JobBuilder.newJob(CountingJobBean.class).withIdentity("vetoed").storeDurably().build();
	}

	private static JobDetail manyJob() {
		return JobBuilder.newJob(ManyRunsJobBean.class).withIdentity("many").storeDurably().build();
	}

	private static Trigger repeatedly(JobDetail job, long intervalMillis) {
		return TriggerBuilder.newTrigger()
			.withIdentity(job.getKey().getName())
			.forJob(job)
			.withSchedule(SimpleScheduleBuilder.simpleSchedule()
				.withIntervalInMilliseconds(intervalMillis)
				.repeatForever())
			.build();
	}

	private static Trigger times(JobDetail job, int count, long intervalMillis) {
		return TriggerBuilder.newTrigger()
			.forJob(job)
			.withSchedule(SimpleScheduleBuilder.simpleSchedule()
				.withIntervalInMilliseconds(intervalMillis)
				.withRepeatCount(count - 1))
			.build();
	}

	public static class CountingJobBean extends QuartzJobBean {

		@Override
		protected void executeInternal(JobExecutionContext context) {
			ran("counting", context);
		}

	}

	public static class LatchedJobBean extends QuartzJobBean {

		@Override
		protected void executeInternal(JobExecutionContext context) throws JobExecutionException {
			try {
				release.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

	public static class FailingJobBean extends QuartzJobBean {

		@Override
		protected void executeInternal(JobExecutionContext context) {
			throw new IllegalStateException("failed");
		}

	}

	public static class RefiredJobBean extends QuartzJobBean {

		@Override
		protected void executeInternal(JobExecutionContext context) throws JobExecutionException {
			ran("refired", context);
			if (context.getRefireCount() == 0) {
				throw new JobExecutionException(new IllegalStateException("try again"), true);
			}
		}

	}

	public static class AnnotatedJobBean extends QuartzJobBean {

		@Override
		@TracedJob(name = "annotated-report")
		protected void executeInternal(JobExecutionContext context) {
			ran("annotated", context);
		}

	}

	@TracedJob(name = "ignored")
	public static class ClassAnnotatedJobBean extends QuartzJobBean {

		@Override
		protected void executeInternal(JobExecutionContext context) {
			ran("classAnnotated", context);
		}

	}

	static class Vetoer extends TriggerListenerSupport {

		final AtomicInteger vetoes = new AtomicInteger();

		@Override
		public String getName() {
			return "vetoer";
		}

		@Override
		public boolean vetoJobExecution(Trigger trigger, JobExecutionContext context) {
			this.vetoes.incrementAndGet();
			return true;
		}

	}

	private static volatile Tracer spanInJob = Tracer.NOOP;

	private static final AtomicInteger withSpans = new AtomicInteger();

	public static class SpanJobBean extends QuartzJobBean {

		@Override
		protected void executeInternal(JobExecutionContext context) {
			ran("spanned", context);
			if (spanInJob.currentSpan() != null) {
				withSpans.incrementAndGet();
			}
		}

	}

	public static class ManyRunsJobBean extends QuartzJobBean {

		@Override
		protected void executeInternal(JobExecutionContext context) {
			ran("many", context);
		}

	}

}
