package io.github.jobmetrics.messaging.amqp;

import java.util.HashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.Queue;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.util.function.SingletonSupplier;

/**
 * How many times RabbitMQ returns a failed message to each queue before it drops or dead-letters it: the
 * {@code x-delivery-limit} argument of the queues that the application declares as {@link Queue} beans (or in
 * {@link Declarables} beans), else {@code job-metrics.amqp.delivery-limit}, else none. Read once, with the first
 * delivery, when every bean exists.
 */
final class DeliveryLimits {

	private static final String DELIVERY_LIMIT = "x-delivery-limit";

	private final @Nullable Long configured;

	private final SingletonSupplier<Map<String, Long>> declared;

	DeliveryLimits(@Nullable ListableBeanFactory beanFactory, @Nullable Long configured) {
		this.configured = configured;
		this.declared = SingletonSupplier.of(() -> declared(beanFactory));
	}

	/**
	 * Returns the delivery limit of the queue, {@code -1} if it has none.
	 */
	long of(@Nullable String queue) {
		Long limit = (queue != null) ? this.declared.obtain().get(queue) : null;
		if (limit != null) {
			return limit;
		}
		return (this.configured != null) ? this.configured : -1;
	}

	private static Map<String, Long> declared(@Nullable ListableBeanFactory beanFactory) {
		Map<String, Long> limits = new HashMap<>();
		if (beanFactory == null) {
			return limits;
		}
		beanFactory.getBeansOfType(Queue.class, false, false).values().forEach((queue) -> add(limits, queue));
		beanFactory.getBeansOfType(Declarables.class, false, false)
			.values()
			.forEach((declarables) -> declarables.getDeclarablesByType(Queue.class)
				.forEach((queue) -> add(limits, queue)));
		return limits;
	}

	private static void add(Map<String, Long> limits, Queue queue) {
		Object limit = queue.getArguments().get(DELIVERY_LIMIT);
		if (limit instanceof Number number) {
			limits.put(queue.getActualName(), number.longValue());
		}
	}

}
