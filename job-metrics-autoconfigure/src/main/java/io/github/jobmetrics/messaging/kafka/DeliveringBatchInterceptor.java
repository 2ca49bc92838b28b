package io.github.jobmetrics.messaging.kafka;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.listener.BatchInterceptor;

/**
 * Describes each batch to the run of its batch listener before the listener is called, then hands the batch to
 * the application's own interceptor, if any, which keeps every callback it had.
 */
final class DeliveringBatchInterceptor implements BatchInterceptor<Object, Object> {

	private final @Nullable BatchInterceptor<Object, Object> delegate;

	DeliveringBatchInterceptor(@Nullable BatchInterceptor<Object, Object> delegate) {
		this.delegate = delegate;
	}

	@Nullable BatchInterceptor<Object, Object> delegate() {
		return this.delegate;
	}

	@Override
	public @Nullable ConsumerRecords<Object, Object> intercept(ConsumerRecords<Object, Object> records,
			Consumer<Object, Object> consumer) {
		KafkaDeliveries.begin(records);
		if (this.delegate == null) {
			return records;
		}
		boolean delivered = false;
		try {
			ConsumerRecords<Object, Object> intercepted = this.delegate.intercept(records, consumer);
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
		if (this.delegate != null) {
			this.delegate.success(records, consumer);
		}
	}

	@Override
	public void failure(ConsumerRecords<Object, Object> records, Exception exception,
			Consumer<Object, Object> consumer) {
		KafkaDeliveries.end();
		if (this.delegate != null) {
			this.delegate.failure(records, exception, consumer);
		}
	}

	@Override
	public void setupThreadState(Consumer<?, ?> consumer) {
		if (this.delegate != null) {
			this.delegate.setupThreadState(consumer);
		}
	}

	@Override
	public void clearThreadState(Consumer<?, ?> consumer) {
		KafkaDeliveries.end();
		if (this.delegate != null) {
			this.delegate.clearThreadState(consumer);
		}
	}

}
