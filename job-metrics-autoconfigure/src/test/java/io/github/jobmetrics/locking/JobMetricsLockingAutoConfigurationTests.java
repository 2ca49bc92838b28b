package io.github.jobmetrics.locking;

import io.github.jobmetrics.BootMetricsAutoConfigurations;
import io.github.jobmetrics.autoconfigure.JobMetricsAutoConfiguration;
import io.github.jobmetrics.autoconfigure.JobMetricsLockingAutoConfiguration;
import net.javacrumbs.shedlock.core.LockProvider;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link JobMetricsLockingAutoConfiguration}.
 */
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

}
