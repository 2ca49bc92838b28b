package io.github.jobmetrics.messaging.kafka;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.listener.RecordInterceptor;

/**
 * A record interceptor that job-metrics puts ahead of the application's own, if any, and that hands every callback
 * after {@code intercept} on to it unchanged, so that the application's interceptor keeps every callback it had, in
 * the same order. Subclasses decide what {@code intercept} does and add to the callbacks they need.
 * <p>
 * Public for {@code io.github.jobmetrics.heartbeat}, whose interceptor is one; internal to job-metrics, not API.
 */
public abstract class ForwardingRecordInterceptor implements RecordInterceptor<Object, Object> {

	private final @Nullable RecordInterceptor<Object, Object> delegate;

	/**
	 * Creates an interceptor that forwards to the given one.
	 * @param delegate the application's interceptor, or {@code null} for none
	 */
	protected ForwardingRecordInterceptor(@Nullable RecordInterceptor<Object, Object> delegate) {
		this.delegate = delegate;
	}

	/**
	 * The application's interceptor.
	 * @return the interceptor, or {@code null} if none
	 */
	protected final @Nullable RecordInterceptor<Object, Object> delegate() {
		return this.delegate;
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
		if (this.delegate != null) {
			this.delegate.clearThreadState(consumer);
		}
	}

}
