package io.github.jobmetrics.aop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.jobmetrics.TracedJob;
import io.github.jobmetrics.autoconfigure.JobMetricsAutoConfiguration;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.resilience.annotation.EnableResilientMethods;
import org.springframework.resilience.annotation.Retryable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests that the jobs registered at start-up are exactly the jobs that run, whatever the proxy type, that
 * nothing is skipped in silence, and that retries are counted only where Spring retries, as Spring decides.
 */
@ExtendWith(OutputCaptureExtension.class)
class TracedJobRegistrationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, JobMetricsAutoConfiguration.class))
		.withBean(SimpleMeterRegistry.class);

	@Test
	void jdkProxiesRegisterAndRunTheSameJobsAsClassProxies() {
		for (String proxyTargetClass : new String[] { "true", "false" }) {
			this.contextRunner.withPropertyValues("spring.aop.proxy-target-class=" + proxyTargetClass)
				.withBean(OnInterfaceMethod.class)
				.withBean(OnInterfaceType.class)
				.withBean(OnImplementationMethod.class)
				.withBean(OnImplementationClass.class)
				.run((context) -> {
					assertThat(context).hasNotFailed();
					MeterRegistry registry = context.getBean(MeterRegistry.class);
					Set<String> expected = Set.of("interface-method", "OnInterfaceType.work",
							"implementation-method", "OnImplementationClass.work");
					assertThat(jobNames(registry)).as("registered with proxy-target-class=%s", proxyTargetClass)
						.isEqualTo(expected);
					context.getBeansOfType(Work.class).values().forEach(Work::work);
					for (String job : expected) {
						assertThat(executions(registry, job, "success")).as(job).isOne();
					}
					assertThat(jobNames(registry)).isEqualTo(expected);
				});
		}
	}

	@Test
	void methodThatAJdkProxyCannotReachIsNotRegisteredAndIsNamedInAWarning(CapturedOutput output) {
		this.contextRunner.withPropertyValues("spring.aop.proxy-target-class=false")
			.withBean(OffInterface.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(jobNames(context.getBean(MeterRegistry.class))).containsExactly("on-interface");
				assertThat(output).contains(OffInterface.class.getName() + ".extra()",
						"Set spring.aop.proxy-target-class=true or declare the method on an interface");
			});
	}

	@Test
	void beanCreatedBeforeTheAutoProxyCreatorIsNotRegisteredAndIsNamedInAWarning(CapturedOutput output) {
		this.contextRunner.withUserConfiguration(EagerBeanConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(AopUtils.isAopProxy(context.getBean(EagerJob.class))).isFalse();
			assertThat(jobNames(context.getBean(MeterRegistry.class))).doesNotContain("eager-job");
			assertThat(output).contains("Bean 'eagerJob'", "[eager-job]", "was not proxied by job-metrics",
					"Make the @Bean method of that post-processor static");
		});
	}

	@Test
	void classLevelAnnotationCoversTheClassesOwnPublicMethodsOnly() {
		this.contextRunner.withBean(ClassLevelJob.class).run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(jobNames(registry)).containsExactly("ClassLevelJob.work");
			ClassLevelJob job = context.getBean(ClassLevelJob.class);
			job.work();
			job.inherited();
			job.toString();
			job.hashCode();
			job.isRunning();
			assertThat(jobNames(registry)).containsExactly("ClassLevelJob.work");
		});
	}

	@Test
	void configuredJobNameThatMatchesNoJobIsNamedInAWarning(CapturedOutput output) {
		this.contextRunner.withPropertyValues("job-metrics.jobs.Exporter.run.buckets=1s",
				"job-metrics.jobs.[interface-method].buckets=1s")
			.withBean(OnInterfaceMethod.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(output).contains("job-metrics.jobs configures [Exporter], which match no @TracedJob job",
						"known jobs: [interface-method]", "job-metrics.jobs.[Exporter.run]");
			});
	}

	@Test
	void placeholdersOfNameAndQueueResolveFromTheEnvironment() {
		this.contextRunner.withPropertyValues("app.queue=payments", "app.job=settle")
			.withBean(PlaceholderJob.class)
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				context.getBean(PlaceholderJob.class).work();
				assertThat(registry.get("job.executions").tag("job.name", "settle").tag("queue", "payments")
					.tag("result", "success").functionCounter().count()).isOne();
				assertThat(jobNames(registry)).containsExactly("settle");
			});
	}

	@Test
	void unresolvablePlaceholderStopsStartUpNamingTheAnnotation() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(PropertyPlaceholderAutoConfiguration.class))
			.withPropertyValues("app.job=settle")
			.withBean(PlaceholderJob.class)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).hasMessageContaining("@TracedJob on " + PlaceholderJob.class.getName() + ".work()")
					.hasMessageContaining("app.queue");
			});
	}

	@Test
	void retryableWithoutSpringsRetrySupportCountsEveryFailureAsAFailure() {
		this.contextRunner.withBean(RetryingJobs.class).run((context) -> {
			RetryingJobs jobs = context.getBean(RetryingJobs.class);
			assertThatExceptionOfType(UncheckedIOException.class).isThrownBy(jobs::transientFailure);
			assertThat(jobs.attempts()).as("Spring does not retry without @EnableResilientMethods").isOne();
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(executions(registry, "transient", "failure")).isOne();
			assertThat(executions(registry, "transient", "retry")).isZero();
		});
	}

	@Test
	void retryDecisionFollowsSpringOnTheCauseChain() {
		this.contextRunner.withUserConfiguration(Resilient.class).withBean(RetryingJobs.class).run((context) -> {
			RetryingJobs jobs = context.getBean(RetryingJobs.class);
			assertThatIllegalStateException().isThrownBy(jobs::wrappedIoFailure);
			assertThat(jobs.attempts()).as("Spring retries on the cause").isEqualTo(4);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(executions(registry, "wrapped-io", "retry")).isEqualTo(3);
			assertThat(executions(registry, "wrapped-io", "failure")).isOne();
		});
	}

	@Test
	void lastAttemptIsAFailureEvenWhenItsExceptionIsAConfiguredRetryException() {
		this.contextRunner.withUserConfiguration(Resilient.class)
			.withPropertyValues("job-metrics.retry-exceptions=java.io.UncheckedIOException")
			.withBean(RetryingJobs.class)
			.run((context) -> {
				RetryingJobs jobs = context.getBean(RetryingJobs.class);
				assertThatExceptionOfType(UncheckedIOException.class).isThrownBy(jobs::transientFailure);
				assertThat(jobs.attempts()).isEqualTo(3);
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(executions(registry, "transient", "retry")).isEqualTo(2);
				assertThat(executions(registry, "transient", "failure")).isOne();
			});
	}

	private static Set<String> jobNames(MeterRegistry registry) {
		Set<String> names = new TreeSet<>();
		for (Meter meter : registry.find("job.worked").meters()) {
			names.add(meter.getId().getTag("job.name"));
		}
		return names;
	}

	private static double executions(MeterRegistry registry, String job, String result) {
		return registry.find("job.executions").tag("job.name", job).tag("result", result).functionCounters().stream()
			.mapToDouble(FunctionCounter::count)
			.sum();
	}

	public interface Work {

		void work();

	}

	public interface AnnotatedWork {

		@TracedJob("interface-method")
		void work();

	}

	@TracedJob
	public interface AnnotatedType {

		void work();

	}

	static class OnInterfaceMethod implements AnnotatedWork, Work {

		@Override
		public void work() {
		}

	}

	static class OnInterfaceType implements AnnotatedType, Work {

		@Override
		public void work() {
		}

	}

	static class OnImplementationMethod implements Work {

		@Override
		@TracedJob("implementation-method")
		public void work() {
		}

	}

	@TracedJob
	static class OnImplementationClass implements Work {

		@Override
		public void work() {
		}

	}

	static class OffInterface implements Work {

		@Override
		@TracedJob("on-interface")
		public void work() {
		}

		@TracedJob("off-interface")
		public void extra() {
		}

	}

	public static class EagerJob {

		@TracedJob("eager-job")
		public void work() {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class EagerBeanConfiguration {

		@Bean
		EagerJob eagerJob() {
			return new EagerJob();
		}

		// Instantiated by a BeanFactoryPostProcessor, before any BeanPostProcessor exists: never proxied.
		@Bean
		static BeanFactoryPostProcessor touchesTheJob() {
			return (beanFactory) -> beanFactory.getBean("eagerJob");
		}


	}

	public static class Base {

		public void inherited() {
		}

	}

	@TracedJob
	public static class ClassLevelJob extends Base implements SmartLifecycle {

		public void work() {
		}

		@Override
		public String toString() {
			return "ClassLevelJob";
		}

		@Override
		public int hashCode() {
			return 1;
		}

		@Override
		public boolean equals(Object other) {
			return other == this;
		}

		@Override
		public void start() {
		}

		@Override
		public void stop() {
		}

		@Override
		public boolean isRunning() {
			return false;
		}

	}

	public static class PlaceholderJob {

		@TracedJob(name = "${app.job}", queue = "${app.queue}")
		public void work() {
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableResilientMethods
	static class Resilient {

	}

	public static class RetryingJobs {

		private final AtomicInteger attempts = new AtomicInteger();

		public int attempts() {
			return this.attempts.get();
		}

		@TracedJob("transient")
		@Retryable(maxRetries = 2, delay = 0)
		public void transientFailure() {
			this.attempts.incrementAndGet();
			throw new UncheckedIOException(new IOException("disk busy"));
		}

		@TracedJob("wrapped-io")
		@Retryable(includes = IOException.class, maxRetries = 3, delay = 0)
		public void wrappedIoFailure() {
			this.attempts.incrementAndGet();
			throw new IllegalStateException(new IOException("disk busy"));
		}

	}

}
