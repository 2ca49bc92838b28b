package io.github.jobmetrics.autoconfigure;

import io.github.jobmetrics.JobMetricsConfigurationException;
import io.github.jobmetrics.JobTracer;
import io.github.jobmetrics.messaging.kafka.KafkaDeliveryInterceptors;
import io.github.jobmetrics.messaging.kafka.KafkaListenerCapacityMeters;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.kafka.config.AbstractKafkaListenerContainerFactory;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.BatchInterceptor;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.RecordInterceptor;

/**
 * Auto-configuration of the Kafka listener integration: the enqueue time and redelivery of each record that the
 * listener containers of Spring Kafka deliver, and their capacity. Ordered after Spring Boot's Kafka
 * auto-configuration of Spring Boot 4 and of Spring Boot 3.5 (by name, so that neither needs to be on the
 * classpath).
 *
 * @since 0.3.0
 */
@AutoConfiguration(after = JobMetricsAutoConfiguration.class,
		afterName = { "org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration",
				"org.springframework.boot.autoconfigure.kafka.KafkaAutoConfiguration" })
@ConditionalOnClass({ AbstractKafkaListenerContainerFactory.class, KafkaListenerEndpointRegistry.class,
		ConcurrentMessageListenerContainer.class, RecordInterceptor.class, BatchInterceptor.class })
@ConditionalOnBean({ JobTracer.class, MeterRegistry.class })
@ConditionalOnBooleanProperty(name = "job-metrics.enabled", matchIfMissing = true)
public final class JobMetricsKafkaAutoConfiguration {

	// Static, and bound rather than injected: a post-processor must not pull the properties bean in early.
	@Bean
	@ConditionalOnMissingBean
	static KafkaDeliveryInterceptors kafkaDeliveryInterceptors(Environment environment) {
		String key = "job-metrics.kafka.max-attempts";
		int maxAttempts = Binder.get(environment).bind(key, Integer.class).orElse(10);
		if (maxAttempts < 1) {
			throw new JobMetricsConfigurationException(key, "is " + maxAttempts + ", but a record is delivered at "
					+ "least once", "Set it to the error handler's back-off maximum retries plus one (default 10)");
		}
		return new KafkaDeliveryInterceptors(maxAttempts);
	}

	@Bean
	@ConditionalOnMissingBean
	KafkaListenerCapacityMeters kafkaListenerCapacityMeters(ObjectProvider<MeterRegistry> meterRegistry) {
		return new KafkaListenerCapacityMeters(meterRegistry::getObject);
	}

}
