package io.github.jobmetrics.autoconfigure;

import io.github.jobmetrics.JobMetricsConfigurationException;
import io.github.jobmetrics.JobTracer;
import io.github.jobmetrics.messaging.amqp.RabbitListenerMetrics;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.rabbit.config.AbstractRabbitListenerContainerFactory;
import org.springframework.amqp.rabbit.listener.AbstractMessageListenerContainer;
import org.springframework.amqp.rabbit.listener.RabbitListenerEndpointRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Auto-configuration of the RabbitMQ listener integration: queue wait, failed deliveries told from redeliveries,
 * and capacity of the listener containers of Spring AMQP. Ordered after Spring Boot's RabbitMQ auto-configuration
 * of Spring Boot 4 and of Spring Boot 3.5 (by name, so that neither needs to be on the classpath).
 * <p>
 * Conditional on the Spring AMQP classes that every supported line has (Spring AMQP 3.2 of Spring Boot 3.5, 4.0 and
 * 4.1): what differs between them is chosen inside {@code io.github.jobmetrics.messaging.amqp} by the classes
 * present.
 *
 * @since 0.3.0
 */
@AutoConfiguration(after = JobMetricsAutoConfiguration.class,
		afterName = { "org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration",
				"org.springframework.boot.autoconfigure.amqp.RabbitAutoConfiguration" })
@ConditionalOnClass({ AbstractMessageListenerContainer.class, AbstractRabbitListenerContainerFactory.class,
		RabbitListenerEndpointRegistry.class, Declarables.class })
@ConditionalOnBean({ JobTracer.class, MeterRegistry.class })
@ConditionalOnBooleanProperty(name = "job-metrics.enabled", matchIfMissing = true)
public final class JobMetricsRabbitAutoConfiguration {

	// Static, and bound here rather than injected: a post-processor must not pull other beans in early.
	@Bean
	@ConditionalOnMissingBean
	static RabbitListenerMetrics rabbitListenerMetrics(ObjectProvider<MeterRegistry> meterRegistry,
			Environment environment) {
		Long deliveryLimit = Binder.get(environment).bind("job-metrics.amqp.delivery-limit", Long.class).orElse(null);
		if (deliveryLimit != null && deliveryLimit < 1) {
			throw new JobMetricsConfigurationException("job-metrics.amqp.delivery-limit",
					"is " + deliveryLimit + ", but RabbitMQ delivers a message at least once",
					"Set it to the x-delivery-limit of your quorum queues (1 or more), or remove it if they have none");
		}
		return new RabbitListenerMetrics(meterRegistry::getObject, deliveryLimit);
	}

}
