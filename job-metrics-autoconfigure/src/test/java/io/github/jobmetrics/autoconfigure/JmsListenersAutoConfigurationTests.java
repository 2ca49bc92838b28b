package io.github.jobmetrics.autoconfigure;

import io.github.jobmetrics.BootMetricsAutoConfigurations;
import io.github.jobmetrics.JobMetricsConfigurationException;
import io.github.jobmetrics.messaging.jms.JmsListenerContainersMetrics;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests {@link JobMetricsJmsAutoConfiguration}; {@code JmsListenersTests} runs it against a real broker.
 */
class JmsListenersAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner().withConfiguration(
			BootMetricsAutoConfigurations.with(JobMetricsAutoConfiguration.class, JobMetricsJmsAutoConfiguration.class));

	@Test
	void preparesTheListenerContainersWithSpringJms() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(JmsListenerContainersMetrics.class));
	}

	@Test
	void backsOffWithoutSpringJms() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("org.springframework.jms"))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(JmsListenerContainersMetrics.class));
	}

	@Test
	void backsOffWithoutTheJakartaJmsApi() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("jakarta.jms"))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(JmsListenerContainersMetrics.class));
	}

	@Test
	void backsOffWhenJobMetricsIsDisabled() {
		this.contextRunner.withPropertyValues("job-metrics.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(JmsListenerContainersMetrics.class));
	}

	@Test
	void failsAtStartUpOnAMaximumOfDeliveriesBelowOne() {
		this.contextRunner.withPropertyValues("job-metrics.jms.max-deliveries=0")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(JobMetricsConfigurationException.class)
				.hasMessageContaining("job-metrics.jms.max-deliveries is 0"));
	}

}
