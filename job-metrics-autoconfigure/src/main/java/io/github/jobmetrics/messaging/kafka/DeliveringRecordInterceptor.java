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
final class DeliveringRecordInterceptor extends ForwardingRecordInterceptor {

	private final int maxAttempts;

	DeliveringRecordInterceptor(@Nullable RecordInterceptor<Object, Object> delegate, int maxAttempts) {
		super(delegate);
		this.maxAttempts = maxAttempts;
	}

	@Override
	public @Nullable ConsumerRecord<Object, Object> intercept(ConsumerRecord<Object, Object> record,
			Consumer<Object, Object> consumer) {
		KafkaDeliveries.begin(record, this.maxAttempts);
		RecordInterceptor<Object, Object> delegate = delegate();
		if (delegate == null) {
			return record;
		}
		boolean delivered = false;
		try {
			ConsumerRecord<Object, Object> intercepted = delegate.intercept(record, consumer);
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
	public void afterRecord(ConsumerRecord<Object, Object> record, Consumer<Object, Object> consumer) {
		KafkaDeliveries.end();
		super.afterRecord(record, consumer);
	}

	@Override
	public void clearThreadState(Consumer<?, ?> consumer) {
		KafkaDeliveries.end();
		super.clearThreadState(consumer);
	}

}
