package io.github.jobmetrics.autoconfigure;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.github.jobmetrics.BootMetricsAutoConfigurations;
import io.github.jobmetrics.JobMetricsConfigurationException;
import io.github.jobmetrics.JobRun;
import io.github.jobmetrics.JobTracer;
import io.github.jobmetrics.TracedJob;
import io.github.jobmetrics.aop.TracedJobAdvisor;
import io.github.jobmetrics.aop.TracedJobRegistrar;
import io.github.jobmetrics.micrometer.JobMeterSettings;
import io.github.jobmetrics.micrometer.MicrometerJobTracer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.core.tck.MeterRegistryAssert;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.aop.config.AopConfigUtils;
import org.springframework.aop.framework.autoproxy.InfrastructureAdvisorAutoProxyCreator;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ContextConsumer;
import org.springframework.core.NestedExceptionUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link JobMetricsAutoConfiguration}.
 */
class JobMetricsAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(BootMetricsAutoConfigurations.with(JobMetricsAutoConfiguration.class))
		.withBean(MockClock.class);

	@Test
	void tracesAnnotatedBeanMethodsWithTheDefaultBeans() {
		this.contextRunner.withBean(InvoiceExport.class).run((context) -> {
			assertThat(context).hasSingleBean(MicrometerJobTracer.class)
				.hasSingleBean(JobMeterSettings.class)
				.hasSingleBean(TracedJobAdvisor.class)
				.hasSingleBean(TracedJobRegistrar.class);
			InvoiceExport export = context.getBean(InvoiceExport.class);
			assertThat(AopUtils.isAopProxy(export)).isTrue();
			export.export();
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry).isInstanceOf(SimpleMeterRegistry.class);
			assertThat(executions(registry, "invoice-export", "success", "none")).isOne();
			assertThat(registry.get("job.worked").tag("job.name", "invoice-export").functionCounter().count())
				.isEqualTo(3.0);
			Timer duration = registry.get("job.duration").tag("job.name", "invoice-export").timer();
			assertThat(duration.count()).isOne();
			assertThat(duration.totalTime(TimeUnit.SECONDS)).isEqualTo(3.0);
			assertThat(buckets(registry, "invoice-export")).isEqualTo(JobMeterSettings.DEFAULT_BUCKETS);
		});
	}

	@Test
	void registersTheMetersOfKnownJobsAtStartupSoThatTheyReadZero() {
		this.contextRunner.withBean(InvoiceExport.class).withBean(LedgerJobs.class).run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			for (String job : List.of("invoice-export", "LedgerJobs.close", "LedgerJobs.reconcile")) {
				MeterRegistryAssert.assertThat(registry)
					.hasMeterWithNameAndTags("job.worked", Tags.of("job.name", job))
					.hasMeterWithNameAndTags("job.executions",
							Tags.of("job.name", job, "result", "success"))
					.hasTimerWithNameAndTags("job.duration", Tags.of("job.name", job))
					.hasMeterWithNameAndTags("job.inflight", Tags.of("job.name", job))
					.hasMeterWithNameAndTags("job.oldest.inflight.age", Tags.of("job.name", job))
					.hasMeterWithNameAndTags("job.last.success.timestamp", Tags.of("job.name", job));
				assertThat(registry.get("job.worked").tag("job.name", job).functionCounter().count()).isZero();
				assertThat(executions(registry, job, "success", "none")).isZero();
				assertThat(registry.get("job.duration").tag("job.name", job).timer().count()).isZero();
				assertThat(registry.get("job.inflight").tag("job.name", job).gauge().value()).isZero();
				assertThat(registry.get("job.oldest.inflight.age").tag("job.name", job).gauge().value()).isZero();
				assertThat(registry.get("job.last.success.timestamp").tag("job.name", job).gauge().value())
					.isEqualTo(context.getBean(MockClock.class).wallTime() / 1e3);
			}
			assertThat(registry.get("job.worked").tag("job.name", "LedgerJobs.close").meter().getId().getTag("queue"))
				.isEqualTo("ledger");
			MeterRegistryAssert.assertThat(registry)
				.doesNotHaveMeterWithNameAndTags("job.worked", Tags.of("job.name", "LedgerJobs.helper"));
		});
	}

	@Test
	void backsOffWhenDisabled() {
		this.contextRunner.withBean(InvoiceExport.class)
			.withPropertyValues("job-metrics.enabled=false")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(JobTracer.class)
					.doesNotHaveBean(JobMeterSettings.class)
					.doesNotHaveBean(TracedJobAdvisor.class)
					.doesNotHaveBean(TracedJobRegistrar.class);
				InvoiceExport export = context.getBean(InvoiceExport.class);
				assertThat(AopUtils.isAopProxy(export)).isFalse();
				export.export();
				MeterRegistryAssert.assertThat(context.getBean(MeterRegistry.class))
					.doesNotHaveMeterWithName("job.worked");
			});
	}

	@Test
	void backsOffWhenUserDefinesTracerAndTracesThroughIt() {
		this.contextRunner.withBean(InvoiceExport.class)
			.withBean(RecordingJobTracer.class)
			.run((context) -> {
				assertThat(context).hasSingleBean(JobTracer.class)
					.doesNotHaveBean(MicrometerJobTracer.class)
					.hasSingleBean(TracedJobAdvisor.class);
				RecordingJobTracer tracer = context.getBean(RecordingJobTracer.class);
				assertThat(tracer.registered).containsExactly("invoice-export@invoices");
				context.getBean(InvoiceExport.class).export();
				assertThat(tracer.started).containsExactly("invoice-export@invoices");
				MeterRegistryAssert.assertThat(context.getBean(MeterRegistry.class))
					.doesNotHaveMeterWithName("job.worked");
			});
	}

	@Test
	void backsOffWhenUserDefinesMeterSettings() {
		JobMeterSettings settings = JobMeterSettings.defaults()
			.withDefaultBuckets(List.of(Duration.ofSeconds(1), Duration.ofMinutes(1)));
		this.contextRunner.withBean(InvoiceExport.class)
			.withBean(JobMeterSettings.class, () -> settings)
			.run((context) -> {
				assertThat(context).getBean(JobMeterSettings.class).isSameAs(settings);
				assertThat(buckets(context.getBean(MeterRegistry.class), "invoice-export"))
					.containsExactly(Duration.ofSeconds(1), Duration.ofMinutes(1));
			});
	}

	@Test
	void backsOffWithoutMeterRegistryBean() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(JobMetricsAutoConfiguration.class))
			.withBean(MockClock.class)
			.withBean(InvoiceExport.class)
			.run((context) -> {
				assertThat(context).hasNotFailed()
					.doesNotHaveBean(JobTracer.class)
					.doesNotHaveBean(TracedJobAdvisor.class)
					.doesNotHaveBean(TracedJobRegistrar.class);
				assertThat(AopUtils.isAopProxy(context.getBean(InvoiceExport.class))).isFalse();
			});
	}

	@Test
	void backsOffWithoutMicrometer() {
		// Without Boot's metrics auto-configuration, which does not itself expect Micrometer to be missing.
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(JobMetricsAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.withBean(SimpleMeterRegistry.class)
			.withBean(MockClock.class)
			.withBean(InvoiceExport.class)
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(JobTracer.class)
				.doesNotHaveBean(TracedJobAdvisor.class)
				.doesNotHaveBean(TracedJobRegistrar.class));
	}

	@Test
	void tracesWithBootsAspectJAutoProxyCreatorWhenAspectJIsPresent() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class))
			.withBean(InvoiceExport.class)
			.run((context) -> {
				assertThat(context.getBean(AopConfigUtils.AUTO_PROXY_CREATOR_BEAN_NAME).getClass().getSimpleName())
					.isEqualTo("AnnotationAwareAspectJAutoProxyCreator");
				assertThatTracesInvoiceExport(context);
			});
	}

	@Test
	void tracesWithoutAspectJ() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader("org.aspectj"))
			.withBean(InvoiceExport.class)
			.run((context) -> {
				assertThat(context).getBean(AopConfigUtils.AUTO_PROXY_CREATOR_BEAN_NAME)
					.isExactlyInstanceOf(InfrastructureAdvisorAutoProxyCreator.class);
				assertThatTracesInvoiceExport(context);
			});
	}

	@Test
	void tracesWithItsOwnAutoProxyCreatorWhenNoneIsConfigured() {
		this.contextRunner.withBean(InvoiceExport.class).run((context) -> {
			assertThat(context).getBean(AopConfigUtils.AUTO_PROXY_CREATOR_BEAN_NAME)
				.isExactlyInstanceOf(InfrastructureAdvisorAutoProxyCreator.class);
			assertThatTracesInvoiceExport(context);
		});
	}

	@Test
	void tracesWithoutSpringResilience() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("org.springframework.resilience"))
			.withBean(InvoiceExport.class)
			.run(this::assertThatTracesInvoiceExport);
	}

	@Test
	void usesTheBucketsOfAJobWhereConfiguredAndTheDefaultBucketsElsewhere() {
		this.contextRunner.withBean(InvoiceExport.class)
			.withBean(LedgerJobs.class)
			.withPropertyValues("job-metrics.buckets=100ms,1s,10s", "job-metrics.jobs.[invoice-export].buckets=1s,1m")
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(buckets(registry, "invoice-export")).containsExactly(Duration.ofSeconds(1),
						Duration.ofMinutes(1));
				assertThat(buckets(registry, "LedgerJobs.close")).containsExactly(Duration.ofMillis(100),
						Duration.ofSeconds(1), Duration.ofSeconds(10));
			});
	}

	@Test
	void addsExtraTagsOfAJobAndTagsEveryOtherJobWithNone() {
		this.contextRunner.withBean(InvoiceExport.class)
			.withBean(LedgerJobs.class)
			.withPropertyValues("job-metrics.jobs.[invoice-export].tags.team=billing",
					"job-metrics.jobs.[LedgerJobs.close].tags.[tier]=critical")
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				context.getBean(InvoiceExport.class).export();
				for (String name : List.of("job.worked", "job.executions", "job.duration", "job.inflight",
						"job.oldest.inflight.age", "job.last.success.timestamp")) {
					MeterRegistryAssert.assertThat(registry)
						.hasMeterWithNameAndTags(name,
								Tags.of("job.name", "invoice-export", "team", "billing", "tier", "none"))
						.hasMeterWithNameAndTags(name,
								Tags.of("job.name", "LedgerJobs.close", "team", "none", "tier", "critical"))
						.hasMeterWithNameAndTags(name,
								Tags.of("job.name", "LedgerJobs.reconcile", "team", "none", "tier", "none"));
				}
				assertThat(registry.get("job.executions").tag("job.name", "invoice-export").tag("result", "success")
					.tag("team", "billing").functionCounter().count()).isOne();
			});
	}

	@Test
	void countsConfiguredRetryExceptionsAsRetries() {
		this.contextRunner.withBean(TimingOutJob.class)
			.withPropertyValues("job-metrics.retry-exceptions=java.util.concurrent.TimeoutException")
			.run((context) -> {
				assertThatExceptionOfType(TimeoutException.class).isThrownBy(context.getBean(TimingOutJob.class)::poll);
				assertThat(executions(context.getBean(MeterRegistry.class), "poller", "retry", "TimeoutException"))
					.isOne();
			});
	}

	@Test
	void bootsDistributionSloPropertyWinsOverJobMetricsBucketsForEveryJob() {
		this.contextRunner.withBean(InvoiceExport.class)
			.withBean(LedgerJobs.class)
			.withPropertyValues("management.metrics.distribution.slo.job.duration=50ms,500ms",
					"job-metrics.buckets=1s,1m", "job-metrics.jobs.[invoice-export].buckets=2s")
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(buckets(registry, "invoice-export")).containsExactly(Duration.ofMillis(50),
						Duration.ofMillis(500));
				assertThat(buckets(registry, "LedgerJobs.close")).containsExactly(Duration.ofMillis(50),
						Duration.ofMillis(500));
			});
	}

	@Test
	void failsOnBucketsOutOfOrder() {
		this.contextRunner.withPropertyValues("job-metrics.buckets=1s,100ms")
			.run(failsNaming("job-metrics.buckets", "not in strictly ascending order"));
	}

	@Test
	void failsOnABucketThatIsNotPositive() {
		this.contextRunner.withPropertyValues("job-metrics.jobs.[invoice-export].buckets=0ms,1s")
			.run(failsNaming("job-metrics.jobs.[invoice-export].buckets", "not positive"));
	}

	@Test
	void failsOnARetryExceptionThatIsNotOnTheClasspath() {
		this.contextRunner.withPropertyValues("job-metrics.retry-exceptions=com.example.MissingException")
			.run(failsNaming("job-metrics.retry-exceptions[0]", "not on the classpath"));
	}

	@Test
	void failsOnARetryExceptionThatIsNotAnException() {
		this.contextRunner.withPropertyValues("job-metrics.retry-exceptions=java.io.IOException,java.lang.String")
			.run(failsNaming("job-metrics.retry-exceptions[1]", "not an exception"));
	}

	@Test
	void failsOnAnExtraTagWithAReservedKey() {
		this.contextRunner.withPropertyValues("job-metrics.jobs.[x].tags.[queue]=orders")
			.run(failsNaming("job-metrics.jobs.[x].tags.[queue]", "sets itself"));
	}

	@Test
	void failsOnAnExtraTagKeyThatBecomesPrometheusHistogramBucketLabel() {
		this.contextRunner.withPropertyValues("job-metrics.jobs.[x].tags.le=fast")
			.run(failsNaming("job-metrics.jobs.[x].tags.[le]", "becomes the Prometheus label 'le'"));
	}

	@Test
	void failsOnExtraTagKeysOfTwoJobsThatBecomeTheSameLabel() {
		this.contextRunner
			.withPropertyValues("job-metrics.jobs.[x].tags.[team-a]=billing", "job-metrics.jobs.[y].tags.[team.a]=ops")
			.run(failsNaming("job-metrics.jobs.[x].tags.[team-a]",
					"becomes the Prometheus label 'team_a', as does the extra tag 'team.a'"));
	}

	@Test
	void capsDistinctJobNamesAsConfigured() {
		this.contextRunner.withPropertyValues("job-metrics.max-job-names=2").run((context) -> {
			JobTracer tracer = context.getBean(JobTracer.class);
			for (int i = 0; i < 5; i++) {
				tracer.start("dyn-" + i).close();
			}
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("job.worked").functionCounters()).hasSize(3);
			assertThat(registry.get("job.metrics.label.overflow").tag("label", "job_name").counter().count())
				.isEqualTo(3);
		});
	}

	@Test
	void failsOnACapBelowOne() {
		this.contextRunner.withPropertyValues("job-metrics.max-exception-names=0")
			.run(failsNaming("job-metrics.max-exception-names", "is 0; a cap on distinct label values"));
	}

	@Test
	void failsOnTracedJobOnAPrivateMethod() {
		this.contextRunner.withBean(PrivateJob.class)
			.run(failsNaming("@TracedJob on " + PrivateJob.class.getName() + ".run()", "private method"));
	}

	private void assertThatTracesInvoiceExport(AssertableApplicationContext context) {
		assertThat(context).hasNotFailed().hasSingleBean(TracedJobAdvisor.class);
		InvoiceExport export = context.getBean(InvoiceExport.class);
		assertThat(AopUtils.isAopProxy(export)).isTrue();
		export.export();
		assertThat(executions(context.getBean(MeterRegistry.class), "invoice-export", "success", "none")).isOne();
	}

	private static ContextConsumer<AssertableApplicationContext> failsNaming(String subject, String problem) {
		return (context) -> {
			assertThat(context).hasFailed();
			Throwable failure = context.getStartupFailure();
			// The exception is a bean's failure (wrapped) or the registrar's (thrown by refresh itself).
			assertThat(NestedExceptionUtils.getMostSpecificCause(failure)).isInstanceOfSatisfying(
					JobMetricsConfigurationException.class, (ex) -> assertThat(ex.getSubject()).isEqualTo(subject));
			FailureAnalysis analysis = new JobMetricsConfigurationFailureAnalyzer().analyze(failure);
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).startsWith("Invalid job-metrics configuration: " + subject + " ")
				.contains(problem);
			assertThat(analysis.getAction()).isNotBlank();
		};
	}

	// Runs by result, or with an exception other than none, failed runs by that exception (job.exceptions).
	private static double executions(MeterRegistry registry, String jobName, String result, String exception) {
		return "none".equals(exception)
				? registry.get("job.executions").tags("job.name", jobName, "result", result).functionCounter().count()
				: registry.get("job.exceptions")
					.tags("job.name", jobName, "result", result, "exception", exception)
					.counter()
					.count();
	}

	private static List<Duration> buckets(MeterRegistry registry, String jobName) {
		CountAtBucket[] counts = registry.get("job.duration").tag("job.name", jobName).timer().takeSnapshot()
			.histogramCounts();
		return Arrays.stream(counts).map((count) -> Duration.ofNanos((long) count.bucket())).toList();
	}

	// Public, as are its methods: under a FilteredClassLoader, CGLIB defines the proxy in that loader, a
	// different runtime package from which a package-private class cannot be extended.
	public static class InvoiceExport {

		private final MockClock clock;

		public InvoiceExport(MockClock clock) {
			this.clock = clock;
		}

		@TracedJob(name = "invoice-export", queue = "invoices")
		public void export() {
			this.clock.add(Duration.ofSeconds(3));
		}

	}

	@TracedJob(queue = "ledger")
	static class LedgerJobs {

		public void close() {
		}

		public void reconcile() {
		}

		void helper() {
		}

	}

	static class TimingOutJob {

		@TracedJob("poller")
		public void poll() throws TimeoutException {
			throw new TimeoutException("no answer");
		}

	}

	static class PrivateJob {

		@TracedJob
		private void run() {
		}

	}

	static class RecordingJobTracer implements JobTracer {

		final List<String> started = new CopyOnWriteArrayList<>();

		final List<String> registered = new CopyOnWriteArrayList<>();

		@Override
		public JobRun start(String jobName, @Nullable String queue) {
			this.started.add(jobName + "@" + queue);
			return JobRun.noop();
		}

		@Override
		public void register(String jobName, @Nullable String queue) {
			this.registered.add(jobName + "@" + queue);
		}

	}

}
