package io.github.jobmetrics.messaging.kafka;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.listener.BatchInterceptor;

/**
 * Describes each batch to the run of its batch listener before the listener is called, then hands the batch to
 * the application's own interceptor, if any, which keeps every callback it had.
 */
final class DeliveringBatchInterceptor extends ForwardingBatchInterceptor {

	DeliveringBatchInterceptor(@Nullable BatchInterceptor<Object, Object> delegate) {
		super(delegate);
	}

	@Override
	public @Nullable ConsumerRecords<Object, Object> intercept(ConsumerRecords<Object, Object> records,
			Consumer<Object, Object> consumer) {
		KafkaDeliveries.begin(records);
		BatchInterceptor<Object, Object> delegate = delegate();
		if (delegate == null) {
			return records;
		}
		boolean delivered = false;
		try {
			ConsumerRecords<Object, Object> intercepted = delegate.intercept(records, consumer);
			delivered = intercepted != null;
			return intercepted;
		}
		finally {
			if (!delivered) {
				KafkaDeliveries.end();
			}
		}
	}

	@Override
	public void success(ConsumerRecords<Object, Object> records, Consumer<Object, Object> consumer) {
		KafkaDeliveries.end();
		super.success(records, consumer);
	}

	@Override
	public void failure(ConsumerRecords<Object, Object> records, Exception exception,
			Consumer<Object, Object> consumer) {
		KafkaDeliveries.end();
		super.failure(records, exception, consumer);
	}

	@Override
	public void clearThreadState(Consumer<?, ?> consumer) {
		KafkaDeliveries.end();
		super.clearThreadState(consumer);
	}

}
