package io.github.jobmetrics.messaging.kafka;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.listener.BatchInterceptor;

/**
 * A batch interceptor that job-metrics puts ahead of the application's own, if any, and that hands every callback
 * after {@code intercept} on to it unchanged, so that the application's interceptor keeps every callback it had.
 * Subclasses decide what {@code intercept} does and add to the callbacks they need.
 * <p>
 * Public for {@code io.github.jobmetrics.heartbeat}, whose interceptor is one; internal to job-metrics, not API.
 */
public abstract class ForwardingBatchInterceptor implements BatchInterceptor<Object, Object> {

	private final @Nullable BatchInterceptor<Object, Object> delegate;

	/**
	 * Creates an interceptor that forwards to the given one.
	 * @param delegate the application's interceptor, or {@code null} for none
	 */
	protected ForwardingBatchInterceptor(@Nullable BatchInterceptor<Object, Object> delegate) {
		this.delegate = delegate;
	}

	/**
	 * The application's interceptor.
	 * @return the interceptor, or {@code null} if none
	 */
	protected final @Nullable BatchInterceptor<Object, Object> delegate() {
		return this.delegate;
	}

	@Override
	public void success(ConsumerRecords<Object, Object> records, Consumer<Object, Object> consumer) {
		if (this.delegate != null) {
			this.delegate.success(records, consumer);
		}
	}

	@Override
	public void failure(ConsumerRecords<Object, Object> records, Exception exception,
			Consumer<Object, Object> consumer) {
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
		if (this.delegate != null) {
			this.delegate.clearThreadState(consumer);
		}
	}

}
