package io.github.jobmetrics.locking;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import io.github.jobmetrics.BootMetricsAutoConfigurations;
import io.github.jobmetrics.JobTracer;
import io.github.jobmetrics.autoconfigure.JobMetricsAutoConfiguration;
import io.github.jobmetrics.autoconfigure.JobMetricsLockingAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.spring.annotation.EnableSchedulerLock;
import net.javacrumbs.shedlock.spring.annotation.EnableSchedulerLock.InterceptMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link JobMetricsLockingAutoConfiguration}.
 */
@ExtendWith(OutputCaptureExtension.class)
class JobMetricsLockingAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(BootMetricsAutoConfigurations.with(JobMetricsAutoConfiguration.class,
				JobMetricsLockingAutoConfiguration.class));

	@Test
	void decoratesLockProvidersWhenShedLockIsPresent() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(SkippedRunsPostProcessor.class));
	}

	@Test
	void backsOffWithoutShedLock() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(LockProvider.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(SkippedRunsPostProcessor.class));
	}

	@Test
	void backsOffWithoutJobMetrics() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(JobMetricsLockingAutoConfiguration.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(SkippedRunsPostProcessor.class));
	}

	@Test
	void warnsThatShedLocksTaskSchedulerProxyWouldRunTracedJobsUnlocked(CapturedOutput output) {
		this.contextRunner.withUserConfiguration(LockedScheduler.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(output).contains("interceptMode = PROXY_SCHEDULER", "Use ShedLock's default interceptMode")
				.doesNotContain("job-metrics failed");
		});
	}

	@Test
	void doesNotWarnAboutShedLocksDefaultMethodProxy(CapturedOutput output) {
		this.contextRunner.withUserConfiguration(LockedMethods.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(output).doesNotContain("PROXY_SCHEDULER");
		});
	}

	@Test
	void lambdaLockProviderGetsAnInterfaceProxyThatStillReportsRefusals() {
		this.contextRunner.withUserConfiguration(LockedMethods.class).run((context) -> {
			LockProvider provider = context.getBean(LockProvider.class);
			assertThat(AopUtils.isJdkDynamicProxy(provider)).isTrue();
			JobTracer tracer = context.getBean(JobTracer.class);
			tracer.trace("refused", null, () -> provider
				.lock(new LockConfiguration(Instant.now(), "refused", Duration.ofMinutes(1), Duration.ZERO)));
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("job.executions").tag("job.name", "refused").functionCounters())
				.allSatisfy((counter) -> assertThat(counter.count()).isZero());
			assertThat(registry.get("job.duration").tag("job.name", "refused").timer().count()).isZero();
		});
	}

	// A provider that refuses every lock, as a lambda: a final class, which only an interface proxy can decorate.
	@Configuration(proxyBeanMethods = false)
	static class RefusingLockProvider {

		@Bean
		LockProvider lockProvider() {
			return (configuration) -> Optional.empty();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableSchedulerLock(defaultLockAtMostFor = "PT1M")
	static class LockedMethods extends RefusingLockProvider {

	}

	@Configuration(proxyBeanMethods = false)
	@EnableSchedulerLock(defaultLockAtMostFor = "PT1M", interceptMode = InterceptMode.PROXY_SCHEDULER)
	static class LockedScheduler extends RefusingLockProvider {

	}

}
