package io.github.jobmetrics.sample;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jms.connection.SingleConnectionFactory;

/**
 * Makes each Artemis consumer take one message at a time. By default a consumer buffers up to 1 MiB of messages,
 * so one worker could hold the whole backlog while the others idle, and a message would wait in a buffer rather
 * than in the queue. With an external broker, add {@code consumerWindowSize=0} to the broker URL instead.
 */
@Configuration(proxyBeanMethods = false)
class OneMessagePerConsumer {

	@Bean
	static BeanPostProcessor consumerWindowOfZero() {
		return new BeanPostProcessor() {

			@Override
			public Object postProcessBeforeInitialization(Object bean, String beanName) {
				// Spring Boot wraps the Artemis factory in a CachingConnectionFactory unless caching is off.
				Object target = (bean instanceof SingleConnectionFactory caching) ? caching.getTargetConnectionFactory()
						: bean;
				if (target instanceof ActiveMQConnectionFactory artemis) {
					artemis.setConsumerWindowSize(0);
				}
				return bean;
			}

		};
	}

}
