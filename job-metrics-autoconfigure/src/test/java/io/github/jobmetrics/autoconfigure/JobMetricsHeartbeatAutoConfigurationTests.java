package io.github.jobmetrics.autoconfigure;

import io.github.jobmetrics.BootMetricsAutoConfigurations;
import io.github.jobmetrics.JobMetricsConfigurationException;
import io.github.jobmetrics.heartbeat.HeartbeatMeters;
import io.github.jobmetrics.heartbeat.HeartbeatScheduler;
import io.github.jobmetrics.heartbeat.JmsHeartbeats;
import io.github.jobmetrics.heartbeat.KafkaHeartbeats;
import io.github.jobmetrics.heartbeat.RabbitHeartbeats;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link JobMetricsHeartbeatAutoConfiguration}.
 */
class JobMetricsHeartbeatAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(BootMetricsAutoConfigurations.with(JobMetricsAutoConfiguration.class,
				JobMetricsHeartbeatAutoConfiguration.class));

	@Test
	void takesHeartbeatsOutOfTheListenersOfEveryBrokerPresentAndSendsNoneUntilADestinationIsNamed() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(HeartbeatMeters.class)
				.hasSingleBean(JmsHeartbeats.class)
				.hasSingleBean(RabbitHeartbeats.class)
				.hasSingleBean(KafkaHeartbeats.class);
			HeartbeatScheduler scheduler = context.getBean(HeartbeatScheduler.class);
			assertThat(scheduler.destinations()).isEmpty();
			assertThat(scheduler.isRunning()).isFalse();
		});
	}

	@Test
	void backsOffPerBrokerWhoseClassesAreMissing() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("org.springframework.kafka.", "org.apache.kafka."))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(KafkaHeartbeats.class)
				.hasSingleBean(JmsHeartbeats.class)
				.hasSingleBean(RabbitHeartbeats.class));
	}

	@Test
	void aDestinationWithoutATemplateToSendWithFailsStartUpNamingTheSetting() {
		this.contextRunner.withPropertyValues("job-metrics.heartbeat.jms.destinations=orders")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(JobMetricsConfigurationException.class)
				.hasMessageContaining("job-metrics.heartbeat.jms.destinations")
				.hasMessageContaining("JmsTemplate"));
	}

	@Test
	void aNonPositiveIntervalFailsStartUpNamingTheSetting() {
		this.contextRunner.withPropertyValues("job-metrics.heartbeat.interval=0s")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(JobMetricsConfigurationException.class)
				.hasMessageContaining("job-metrics.heartbeat.interval"));
	}

	@Test
	void switchedOffByItsProperty() {
		this.contextRunner.withPropertyValues("job-metrics.heartbeat.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(HeartbeatMeters.class)
				.doesNotHaveBean(JmsHeartbeats.class));
	}

}
