package io.github.jobmetrics.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

import io.github.jobmetrics.JobMetricsConfigurationException;
import io.github.jobmetrics.JobTracer;
import io.github.jobmetrics.heartbeat.HeartbeatDestination;
import io.github.jobmetrics.heartbeat.HeartbeatDestinations;
import io.github.jobmetrics.heartbeat.HeartbeatMeters;
import io.github.jobmetrics.heartbeat.HeartbeatScheduler;
import io.github.jobmetrics.heartbeat.JmsHeartbeats;
import io.github.jobmetrics.heartbeat.KafkaHeartbeats;
import io.github.jobmetrics.micrometer.MicrometerJobTracer;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.jms.Message;

import io.github.jobmetrics.heartbeat.RabbitHeartbeats;

import org.springframework.amqp.rabbit.config.AbstractRabbitListenerContainerFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jms.config.JmsListenerEndpointRegistry;
import org.springframework.kafka.config.AbstractKafkaListenerContainerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.BatchInterceptor;
import org.springframework.kafka.listener.RecordInterceptor;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.jms.listener.AbstractMessageListenerContainer;
import org.springframework.jms.listener.SessionAwareMessageListener;

/**
 * Auto-configuration of heartbeats: tracer messages sent every {@code job-metrics.heartbeat.interval} through the
 * destinations of {@code job-metrics.heartbeat.jms.destinations}, {@code ...rabbit.queues} and
 * {@code ...kafka.topics} with the application's own template, and taken out of the deliveries of every listener
 * container of each broker present before the application's listener sees them. One configuration per broker,
 * each conditional on that broker's classes; ordered after Spring Boot's auto-configuration of each (by name, for
 * Spring Boot 4 and 3.5), so that the application's templates exist.
 *
 * @since 0.3.0
 */
@AutoConfiguration(after = JobMetricsAutoConfiguration.class,
		afterName = { "org.springframework.boot.jms.autoconfigure.JmsAutoConfiguration",
				"org.springframework.boot.autoconfigure.jms.JmsAutoConfiguration",
				"org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration",
				"org.springframework.boot.autoconfigure.amqp.RabbitAutoConfiguration",
				"org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration",
				"org.springframework.boot.autoconfigure.kafka.KafkaAutoConfiguration" })
@ConditionalOnBean({ JobTracer.class, MeterRegistry.class })
@ConditionalOnBooleanProperty(name = "job-metrics.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "job-metrics.heartbeat.enabled", matchIfMissing = true)
public final class JobMetricsHeartbeatAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	HeartbeatMeters heartbeatMeters(MeterRegistry meterRegistry, JobTracer jobTracer) {
		// The tracer's own cap on queue values, so that heartbeats of a queue share its label and its place.
		UnaryOperator<String> queueLabel = (jobTracer instanceof MicrometerJobTracer tracer) ? tracer::queueLabel
				: UnaryOperator.identity();
		return new HeartbeatMeters(meterRegistry, queueLabel);
	}

	@Bean
	@ConditionalOnMissingBean
	HeartbeatScheduler heartbeatScheduler(HeartbeatMeters meters, JobMetricsProperties properties,
			ObjectProvider<HeartbeatDestinations> destinations) {
		Duration interval = properties.getHeartbeat().getInterval();
		if (interval == null || interval.toMillis() < 1) {
			throw new JobMetricsConfigurationException("job-metrics.heartbeat.interval",
					"is " + interval + ", but heartbeats need a positive interval",
					"Set it to a duration such as 30s (the default), well below the lag threshold of the queues");
		}
		return new HeartbeatScheduler(meters, interval, () -> destinations.orderedStream()
			.flatMap((group) -> group.destinations().stream())
			.toList());
	}

	static <T> T template(ObjectProvider<T> templates, String property, String type) {
		T template = templates.getIfUnique();
		if (template == null) {
			throw new JobMetricsConfigurationException(property,
					"names destinations, but the application has no single " + type + " bean to send heartbeats with",
					"Define one " + type + " bean (Spring Boot's auto-configuration does), or remove " + property);
		}
		return template;
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ JmsTemplate.class, JmsListenerEndpointRegistry.class, AbstractMessageListenerContainer.class,
			SessionAwareMessageListener.class, Message.class })
	static class JmsHeartbeatConfiguration {

		@Bean
		@ConditionalOnMissingBean
		JmsHeartbeats jmsHeartbeats(HeartbeatMeters meters) {
			return new JmsHeartbeats(meters);
		}

		@Bean
		HeartbeatDestinations jmsHeartbeatDestinations(JobMetricsProperties properties,
				ObjectProvider<JmsTemplate> templates) {
			List<String> names = properties.getHeartbeat().getJms().getDestinations();
			if (names.isEmpty()) {
				return new HeartbeatDestinations(List.<HeartbeatDestination>of());
			}
			JmsTemplate template = template(templates, "job-metrics.heartbeat.jms.destinations", "JmsTemplate");
			return new HeartbeatDestinations(JmsHeartbeats.destinations(template, names));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ RabbitTemplate.class, AbstractRabbitListenerContainerFactory.class })
	static class RabbitHeartbeatConfiguration {

		// Static, and with the meters looked up lazily: a post-processor must not pull other beans in early.
		@Bean
		@ConditionalOnMissingBean
		static RabbitHeartbeats rabbitHeartbeats(ObjectProvider<HeartbeatMeters> meters) {
			return new RabbitHeartbeats(meters::getObject);
		}

		@Bean
		HeartbeatDestinations rabbitHeartbeatDestinations(JobMetricsProperties properties,
				ObjectProvider<RabbitTemplate> templates) {
			List<String> queues = properties.getHeartbeat().getRabbit().getQueues();
			if (queues.isEmpty()) {
				return new HeartbeatDestinations(List.<HeartbeatDestination>of());
			}
			RabbitTemplate template = template(templates, "job-metrics.heartbeat.rabbit.queues", "RabbitTemplate");
			return new HeartbeatDestinations(RabbitHeartbeats.destinations(template, queues));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ KafkaTemplate.class, AbstractKafkaListenerContainerFactory.class, RecordInterceptor.class,
			BatchInterceptor.class })
	static class KafkaHeartbeatConfiguration {

		// Static, and with the meters looked up lazily: a post-processor must not pull other beans in early.
		@Bean
		@ConditionalOnMissingBean
		static KafkaHeartbeats kafkaHeartbeats(ObjectProvider<HeartbeatMeters> meters) {
			return new KafkaHeartbeats(meters::getObject);
		}

		@Bean
		HeartbeatDestinations kafkaHeartbeatDestinations(JobMetricsProperties properties,
				ObjectProvider<KafkaTemplate<?, ?>> templates) {
			List<String> topics = properties.getHeartbeat().getKafka().getTopics();
			if (topics.isEmpty()) {
				return new HeartbeatDestinations(List.<HeartbeatDestination>of());
			}
			KafkaTemplate<?, ?> template = template(templates, "job-metrics.heartbeat.kafka.topics", "KafkaTemplate");
			return new HeartbeatDestinations(KafkaHeartbeats.destinations(template, topics));
		}

	}

}
