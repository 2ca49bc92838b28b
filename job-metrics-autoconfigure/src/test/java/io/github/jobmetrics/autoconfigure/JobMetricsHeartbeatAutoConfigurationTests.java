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
import org.springframework.util.ClassUtils;

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
			assertThat(context).hasSingleBean(HeartbeatMeters.class);
			assertThat(context.getBeansOfType(JmsHeartbeats.class)).hasSize(present("org.springframework.jms.core.JmsTemplate"));
			assertThat(context.getBeansOfType(RabbitHeartbeats.class))
				.hasSize(present("org.springframework.amqp.rabbit.core.RabbitTemplate"));
			assertThat(context.getBeansOfType(KafkaHeartbeats.class))
				.hasSize(present("org.springframework.kafka.core.KafkaTemplate"));
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
				.hasSingleBean(HeartbeatMeters.class)
				.hasSingleBean(HeartbeatScheduler.class));
	}

	private static int present(String className) {
		return ClassUtils.isPresent(className, JobMetricsHeartbeatAutoConfigurationTests.class.getClassLoader()) ? 1 : 0;
	}

	@Test
	void aDestinationWithoutATemplateToSendWithFailsStartUpNamingTheSetting() {
		this.contextRunner.withPropertyValues("job-metrics.heartbeat.rabbit.queues=orders")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(JobMetricsConfigurationException.class)
				.hasMessageContaining("job-metrics.heartbeat.rabbit.queues")
				.hasMessageContaining("RabbitTemplate"));
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
