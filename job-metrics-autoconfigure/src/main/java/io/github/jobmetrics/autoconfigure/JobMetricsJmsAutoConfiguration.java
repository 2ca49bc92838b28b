package io.github.jobmetrics.autoconfigure;

import io.github.jobmetrics.JobMetricsConfigurationException;
import io.github.jobmetrics.JobTracer;
import io.github.jobmetrics.messaging.jms.JmsListenerContainersMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.jms.Message;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.jms.config.JmsListenerEndpointRegistry;
import org.springframework.jms.listener.DefaultMessageListenerContainer;
import org.springframework.jms.listener.SessionAwareMessageListener;

/**
 * Auto-configuration of the JMS listener integration: queue wait, redeliveries and capacity of the listener
 * containers of Spring JMS. Ordered after Spring Boot's JMS auto-configuration of Spring Boot 4 and of Spring Boot
 * 3.5 (by name, so that neither needs to be on the classpath).
 *
 * @since 0.3.0
 */
@AutoConfiguration(after = JobMetricsAutoConfiguration.class,
		afterName = { "org.springframework.boot.jms.autoconfigure.JmsAutoConfiguration",
				"org.springframework.boot.autoconfigure.jms.JmsAutoConfiguration" })
@ConditionalOnClass({ JmsListenerEndpointRegistry.class, DefaultMessageListenerContainer.class,
		SessionAwareMessageListener.class, Message.class })
@ConditionalOnBean({ JobTracer.class, MeterRegistry.class })
@ConditionalOnBooleanProperty(name = "job-metrics.enabled", matchIfMissing = true)
public final class JobMetricsJmsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	JmsListenerContainersMetrics jmsListenerContainersMetrics(ObjectProvider<MeterRegistry> meterRegistry,
			JobMetricsProperties properties) {
		int maxDeliveries = properties.getJms().getMaxDeliveries();
		if (maxDeliveries < 1) {
			throw new JobMetricsConfigurationException("job-metrics.jms.max-deliveries",
					"is " + maxDeliveries + ", but a message is delivered at least once",
					"Set it to the broker's maximum delivery attempts (ActiveMQ Artemis: max-delivery-attempts, "
							+ "10 by default), or remove it to use 10");
		}
		return new JmsListenerContainersMetrics(meterRegistry::getObject, maxDeliveries);
	}

}
