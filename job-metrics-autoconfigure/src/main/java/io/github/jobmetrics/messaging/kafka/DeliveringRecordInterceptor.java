package io.github.jobmetrics.messaging.kafka;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.listener.RecordInterceptor;

/**
 * Describes each record to the run of its listener before the listener is called, then hands the record to the
 * application's own interceptor, if any: the application's interceptor keeps every callback it had, in the same
 * order, and may still filter the record out.
 */
final class DeliveringRecordInterceptor implements RecordInterceptor<Object, Object> {

	private final @Nullable RecordInterceptor<Object, Object> delegate;

	private final int maxAttempts;

	DeliveringRecordInterceptor(@Nullable RecordInterceptor<Object, Object> delegate, int maxAttempts) {
		this.delegate = delegate;
		this.maxAttempts = maxAttempts;
	}

	@Nullable RecordInterceptor<Object, Object> delegate() {
		return this.delegate;
	}

	@Override
	public @Nullable ConsumerRecord<Object, Object> intercept(ConsumerRecord<Object, Object> record,
			Consumer<Object, Object> consumer) {
		KafkaDeliveries.begin(record, this.maxAttempts);
		if (this.delegate == null) {
			return record;
		}
		boolean delivered = false;
		try {
			ConsumerRecord<Object, Object> intercepted = this.delegate.intercept(record, consumer);
			delivered = intercepted != null;
			return intercepted;
		}
		finally {
			// Filtered out, or the application's interceptor threw: no listener call will follow.
			if (!delivered) {
				KafkaDeliveries.end();
			}
		}
	}

	@Override
	public void success(ConsumerRecord<Object, Object> record, Consumer<Object, Object> consumer) {
		if (this.delegate != null) {
			this.delegate.success(record, consumer);
		}
	}

	@Override
	public void failure(ConsumerRecord<Object, Object> record, Exception exception,
			Consumer<Object, Object> consumer) {
		if (this.delegate != null) {
			this.delegate.failure(record, exception, consumer);
		}
	}

	@Override
	public void afterRecord(ConsumerRecord<Object, Object> record, Consumer<Object, Object> consumer) {
		KafkaDeliveries.end();
		if (this.delegate != null) {
			this.delegate.afterRecord(record, consumer);
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
