package io.github.jobmetrics.autoconfigure;

import io.github.jobmetrics.BootMetricsAutoConfigurations;
import io.github.jobmetrics.JobMetricsConfigurationException;
import io.github.jobmetrics.messaging.kafka.KafkaDeliveryInterceptors;
import io.github.jobmetrics.messaging.kafka.KafkaListenerCapacityMeters;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.listener.RecordInterceptor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests {@link JobMetricsKafkaAutoConfiguration}.
 */
class KafkaListenersAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(BootMetricsAutoConfigurations.with(JobMetricsAutoConfiguration.class,
				JobMetricsKafkaAutoConfiguration.class));

	@Test
	void interceptsTheRecordsOfListenerContainerFactoriesKeepingTheApplicationsInterceptor() {
		RecordInterceptor<Object, Object> application = (record, consumer) -> record;
		this.contextRunner.withBean(ConcurrentKafkaListenerContainerFactory.class, () -> {
			ConcurrentKafkaListenerContainerFactory<Object, Object> factory = new ConcurrentKafkaListenerContainerFactory<>();
			factory.setRecordInterceptor(application);
			return factory;
		}).run((context) -> {
			assertThat(context).hasSingleBean(KafkaDeliveryInterceptors.class)
				.hasSingleBean(KafkaListenerCapacityMeters.class);
			ConcurrentKafkaListenerContainerFactory<?, ?> factory = context
				.getBean(ConcurrentKafkaListenerContainerFactory.class);
			// By property where Spring Kafka has a getter (4.x), by field where it has none (3.3, Boot 3.5).
			assertThat(factory).extracting("recordInterceptor")
				.isNotSameAs(application)
				.hasFieldOrPropertyWithValue("delegate", application);
			assertThat(factory).extracting("batchInterceptor").isNotNull();
			assertThat(factory.getContainerProperties().isDeliveryAttemptHeader()).isTrue();
		});
	}

	@Test
	void backsOffWithoutSpringKafka() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("org.springframework.kafka"))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(KafkaDeliveryInterceptors.class)
				.doesNotHaveBean(KafkaListenerCapacityMeters.class));
	}

	@Test
	void backsOffWhenJobMetricsIsDisabled() {
		this.contextRunner.withPropertyValues("job-metrics.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(KafkaDeliveryInterceptors.class)
				.doesNotHaveBean(KafkaListenerCapacityMeters.class));
	}

	@Test
	void failsAtStartUpOnAMaximumOfAttemptsBelowOne() {
		this.contextRunner.withPropertyValues("job-metrics.kafka.max-attempts=0")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(JobMetricsConfigurationException.class)
				.hasMessageContaining("job-metrics.kafka.max-attempts is 0")
				.hasMessageContaining("back-off maximum retries plus one"));
	}

}
