package io.github.jobmetrics.autoconfigure;

import java.util.Map;
import java.util.Set;

import io.github.jobmetrics.JobMetricsConfigurationException;
import io.github.jobmetrics.JobTracer;
import io.github.jobmetrics.aop.TracedJobAdvisor;
import io.github.jobmetrics.aop.TracedJobRegistrar;
import io.github.jobmetrics.micrometer.JobMeterSettings;
import io.github.jobmetrics.messaging.jms.JmsListenerContainersMetrics;
import io.github.jobmetrics.messaging.amqp.RabbitListenerMetrics;
import io.github.jobmetrics.messaging.kafka.KafkaDeliveryInterceptors;
import io.github.jobmetrics.messaging.kafka.KafkaListenerCapacityMeters;
import io.github.jobmetrics.micrometer.MicrometerJobTracer;
import io.github.jobmetrics.scheduling.ScheduledJobsConfigurer;
import io.github.jobmetrics.scheduling.WorkerCapacityMeters;
import io.micrometer.core.instrument.MeterRegistry;


import org.springframework.amqp.rabbit.listener.AbstractMessageListenerContainer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.jms.config.JmsListenerEndpointRegistry;
import org.springframework.kafka.listener.RecordInterceptor;
import org.springframework.scheduling.annotation.SchedulingConfigurer;

/**
 * Auto-configuration of job-metrics: a {@link JobTracer} recording into the application's
 * {@link MeterRegistry}, the advisor that traces {@code @TracedJob} methods, and the registrar that builds
 * the meters of known jobs at start-up.
 * <p>
 * Ordered after the metrics auto-configuration of Spring Boot 4 and of Spring Boot 3.5 (by name, so that
 * neither needs to be on the classpath).
 *
 * @since 0.1.0
 */
@AutoConfiguration(afterName = {
		"org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration",
		"org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration",
		"org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
		"org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration" })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnProperty(prefix = "job-metrics", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(JobMetricsProperties.class)
@Import(AutoProxyRegistrar.class)
public final class JobMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	JobMeterSettings jobMeterSettings(JobMetricsProperties properties) {
		return JobMeterSettingsFactory.create(properties, getClass().getClassLoader());
	}

	@Bean
	@ConditionalOnMissingBean(JobTracer.class)
	MicrometerJobTracer jobTracer(MeterRegistry meterRegistry, JobMeterSettings jobMeterSettings) {
		return new MicrometerJobTracer(meterRegistry, jobMeterSettings);
	}

	// Static and lazy in its tracer: auto-proxy creators instantiate advisors very early, and pulling the
	// MeterRegistry in then would create it before Boot has applied its filters and customizers.
	@Bean
	@ConditionalOnMissingBean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static TracedJobAdvisor tracedJobAdvisor(ObjectProvider<JobTracer> jobTracer, Environment environment) {
		return new TracedJobAdvisor(jobTracer::getObject, listenersInstrumented(environment));
	}

	@Bean
	@ConditionalOnMissingBean
	static TracedJobRegistrar tracedJobRegistrar(ObjectProvider<JobTracer> jobTracer, Environment environment) {
		// Bound here, not injected: a static bean method must not pull the properties bean in early.
		Set<String> configured = Binder.get(environment)
			.bind("job-metrics.jobs", Bindable.mapOf(String.class, Object.class))
			.map(Map::keySet)
			.orElse(Set.of());
		return new TracedJobRegistrar(jobTracer::getObject, configured, listenersInstrumented(environment));
	}

	private static boolean listenersInstrumented(Environment environment) {
		return Binder.get(environment).bind("job-metrics.instrument.listeners", Boolean.class).orElse(false);
	}

	/**
	 * Schedule lag and worker capacity of {@code @Scheduled} jobs, and their zero-code tracing when
	 * {@code job-metrics.instrument.scheduled} is on. The configurer only acts when scheduling is enabled.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(SchedulingConfigurer.class)
	static class ScheduledJobsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ScheduledJobsConfigurer scheduledJobsConfigurer(JobTracer jobTracer, MeterRegistry meterRegistry,
				JobMetricsProperties properties) {
			return new ScheduledJobsConfigurer(jobTracer, meterRegistry, properties.getInstrument().isScheduled());
		}

		@Bean
		@ConditionalOnMissingBean
		WorkerCapacityMeters workerCapacityMeters(ObjectProvider<MeterRegistry> meterRegistry) {
			return new WorkerCapacityMeters(meterRegistry::getObject);
		}

	}

	/**
	 * Queue wait, redeliveries and capacity of JMS listener containers.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ JmsListenerEndpointRegistry.class, jakarta.jms.Message.class })
	static class JmsListenersConfiguration {

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

	/**
	 * RabbitMQ listener containers of Spring AMQP: queue wait, redeliveries told from failures, and capacity.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(AbstractMessageListenerContainer.class)
	static class RabbitListenerConfiguration {

		// Static, and bound here rather than injected: a post-processor must not pull other beans in early.
		@Bean
		@ConditionalOnMissingBean
		static RabbitListenerMetrics rabbitListenerMetrics(ObjectProvider<MeterRegistry> meterRegistry,
				Environment environment) {
			Long deliveryLimit = Binder.get(environment)
				.bind("job-metrics.amqp.delivery-limit", Long.class)
				.orElse(null);
			if (deliveryLimit != null && deliveryLimit < 1) {
				throw new JobMetricsConfigurationException("job-metrics.amqp.delivery-limit",
						"is " + deliveryLimit + ", but RabbitMQ delivers a message at least once",
						"Set it to the x-delivery-limit of your quorum queues (1 or more), or remove it if they "
								+ "have none");
			}
			return new RabbitListenerMetrics(meterRegistry::getObject, deliveryLimit);
		}

	}

	/**
	 * Spring Kafka listener containers: the enqueue time and redelivery of each record they deliver, and their
	 * capacity.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(RecordInterceptor.class)
	static class KafkaListenersConfiguration {

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

}
