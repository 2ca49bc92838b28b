package io.github.jobmetrics.messaging.kafka;

import io.github.jobmetrics.internal.MeteringFailures;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.kafka.config.AbstractKafkaListenerContainerFactory;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;
import org.springframework.kafka.listener.BatchInterceptor;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.RecordInterceptor;

/**
 * Lets every Kafka listener container describe the record, or batch, it delivers to the traced run that handles
 * it: the enqueue time of each record ({@code ConsumerRecord.timestamp()}), and for a record listener whether a
 * failure will be followed by another delivery.
 * <p>
 * Installed on each listener container factory bean (so on every container it creates, such as those of
 * {@code @KafkaListener} methods) and on each container bean, as a {@code RecordInterceptor} and a
 * {@code BatchInterceptor} that call the application's own interceptor afterwards, which therefore keeps working
 * unchanged. It also turns on the container's delivery-attempt header ({@code kafka_deliveryAttempt}), which the
 * container fills from its error handler's count of failed attempts at the record: an attempt before
 * {@code maxAttempts} that fails is a {@code retry}, the last a {@code failure}. The error handler's back-off is
 * not readable, hence {@code job-metrics.kafka.max-attempts}.
 *
 * @since 0.3.0
 */
public final class KafkaDeliveryInterceptors implements BeanPostProcessor {

	private final int maxAttempts;

	/**
	 * Creates the post-processor.
	 * @param maxAttempts how many times the error handler delivers a record before it gives up on it (a
	 * {@code DefaultErrorHandler}'s back-off retries plus one)
	 */
	public KafkaDeliveryInterceptors(int maxAttempts) {
		this.maxAttempts = maxAttempts;
	}

	@Override
	@SuppressWarnings("unchecked")
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		try {
			if (bean instanceof AbstractKafkaListenerContainerFactory<?, ?, ?> factory) {
				AbstractKafkaListenerContainerFactory<?, Object, Object> typed =
						(AbstractKafkaListenerContainerFactory<?, Object, Object>) factory;
				InstalledInterceptors installed = InstalledInterceptors.of(factory);
				if (installed != null) {
					attemptHeader(typed.getContainerProperties());
					typed.setRecordInterceptor(record(installed.record()));
					typed.setBatchInterceptor(batch(installed.batch()));
				}
			}
			else if (bean instanceof AbstractMessageListenerContainer<?, ?> container) {
				AbstractMessageListenerContainer<Object, Object> typed =
						(AbstractMessageListenerContainer<Object, Object>) container;
				InstalledInterceptors installed = InstalledInterceptors.of(container);
				if (installed != null) {
					attemptHeader(typed.getContainerProperties());
					typed.setRecordInterceptor(record(installed.record()));
					typed.setBatchInterceptor(batch(installed.batch()));
				}
			}
		}
		catch (RuntimeException | LinkageError ex) {
			MeteringFailures.log("install its interceptors on Kafka listener bean '" + beanName + "'", ex);
		}
		return bean;
	}

	private static void attemptHeader(ContainerProperties properties) {
		properties.setDeliveryAttemptHeader(true);
	}

	// A container that its factory created already has ours (a container bean made with factory.createContainer).
	private RecordInterceptor<Object, Object> record(@Nullable RecordInterceptor<Object, Object> existing) {
		return (existing instanceof DeliveringRecordInterceptor ours) ? ours
				: new DeliveringRecordInterceptor(existing, this.maxAttempts);
	}

	private static BatchInterceptor<Object, Object> batch(@Nullable BatchInterceptor<Object, Object> existing) {
		return (existing instanceof DeliveringBatchInterceptor ours) ? ours : new DeliveringBatchInterceptor(existing);
	}

}
