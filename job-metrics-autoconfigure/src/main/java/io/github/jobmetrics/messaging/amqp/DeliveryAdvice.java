package io.github.jobmetrics.messaging.amqp;

import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.jobmetrics.internal.Deliveries;
import io.github.jobmetrics.internal.Deliveries.Redelivery;
import io.github.jobmetrics.internal.Deliveries.RedeliveryRule;
import io.github.jobmetrics.internal.MeteringFailures;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.listener.AbstractMessageListenerContainer;
import org.springframework.util.backoff.BackOffExecution;

/**
 * The outermost advice of a RabbitMQ listener container: around each delivery of a message (or a batch) to the
 * listener, it describes the delivery through {@link Deliveries} to the traced run that will handle it: the
 * queue wait of each message, and whether a failure is followed by another attempt, in memory or from the
 * broker.
 * <p>
 * Outermost, because a retry interceptor calls the rest of the chain again by proceeding with the same method
 * invocation, which skips the advices after it: only an advice before it sees the whole delivery. Each attempt
 * that the retry interceptor makes is a run of its own; the first observes the queue wait, and the delivery is
 * offered again to the next attempt's run when the retry policy lets the interceptor try again.
 * <p>
 * What follows a failure, in the order the container decides it: an in-memory retry interceptor calls the
 * listener again while its policy allows, then hands the message to its recoverer (Spring Boot's default rejects
 * it without requeueing: nothing follows). Without one, the container rejects the message, requeueing it
 * unless {@code defaultRequeueRejected} is false or the failure is an {@code AmqpRejectAndDontRequeueException}
 * (Spring AMQP's own {@code ContainerUtils.shouldRequeue}, through {@link RequeueDecision}); a requeued message
 * comes back unless it has reached its queue's delivery limit ({@code x-delivery-count} of quorum queues against
 * {@link DeliveryLimits}). Where the starter cannot know (a stateful retry interceptor, manual acknowledgement, a
 * container it cannot find), nothing is assumed to follow: a failure.
 * <p>
 * A container factory's containers share its advice, but each may differ from the factory (a
 * {@code @RabbitListener}'s {@code ackMode}, a {@code ContainerCustomizer}): the settings are those of the
 * container that delivered the message, looked up when a delivery fails, so that a success pays nothing for it.
 */
final class DeliveryAdvice implements MethodInterceptor {

	private static final Log logger = LogFactory.getLog(DeliveryAdvice.class);

	private static final String DELIVERY_COUNT = "x-delivery-count";

	private static final String TIMESTAMP_IN_MS = "timestamp_in_ms";

	private static final RequeueDecision requeue = RequeueDecision.ofSpringAmqp(DeliveryAdvice.class.getClassLoader());

	private final SettingsSource settings;

	private final InMemoryRetry retry;

	private final DeliveryLimits deliveryLimits;

	// One per listener thread, reused by every delivery.
	private final ThreadLocal<Attempt> attempts = ThreadLocal.withInitial(Attempt::new);

	private final AtomicBoolean unknownContainerReported = new AtomicBoolean();

	DeliveryAdvice(SettingsSource settings, InMemoryRetry retry, DeliveryLimits deliveryLimits) {
		this.settings = settings;
		this.retry = retry;
		this.deliveryLimits = deliveryLimits;
	}

	/**
	 * This advice for one container alone: the same retry and delivery limits, the settings of that container.
	 */
	DeliveryAdvice boundTo(AbstractMessageListenerContainer container) {
		return new DeliveryAdvice((advice, queue) -> ContainerSettings.of(container), this.retry, this.deliveryLimits);
	}

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		Object[] arguments = invocation.getArguments();
		Object data = (arguments.length == 2) ? arguments[1] : null;
		if (!(data instanceof Message) && !(data instanceof List<?>)) {
			return invocation.proceed();
		}
		if (!Deliveries.begin()) {
			// Inside another container's delivery on this thread: that one is the run's.
			return invocation.proceed();
		}
		Attempt attempt = this.attempts.get();
		try {
			describe(attempt, data);
		}
		catch (RuntimeException | LinkageError ex) {
			MeteringFailures.log("describe a RabbitMQ delivery", ex);
		}
		try {
			return invocation.proceed();
		}
		finally {
			attempt.backOff = null;
			Deliveries.end();
		}
	}

	private void describe(Attempt attempt, Object data) {
		attempt.backOff = null;
		attempt.queue = null;
		boolean limitReached = false;
		if (data instanceof Message message) {
			attempt.queue = message.getMessageProperties().getConsumerQueue();
			limitReached = describe(message.getMessageProperties());
		}
		else {
			for (Object element : (List<?>) data) {
				if (element instanceof Message message) {
					// One container delivers the whole batch, from one of its queues.
					if (attempt.queue == null) {
						attempt.queue = message.getMessageProperties().getConsumerQueue();
					}
					limitReached |= describe(message.getMessageProperties());
				}
			}
		}
		attempt.limitReached = limitReached;
		Deliveries.redelivery(attempt);
	}

	// Observes the message's queue wait and tells whether the broker has returned it to its queue as often as the
	// queue's delivery limit allows (x-delivery-count counts the returns, on quorum queues).
	private boolean describe(MessageProperties properties) {
		Map<String, @Nullable Object> headers = properties.getHeaders();
		// RabbitMQ's timestamp interceptor (3.12+) adds the broker's clock in milliseconds; the AMQP timestamp
		// property has whole seconds only. Both are optional: without either nothing is observed, none made up.
		Object millis = headers.get(TIMESTAMP_IN_MS);
		if (millis instanceof Number number) {
			Deliveries.enqueuedAt(number.longValue());
		}
		else {
			Date timestamp = properties.getTimestamp();
			if (timestamp != null) {
				Deliveries.enqueuedAt(timestamp.getTime());
			}
		}
		Object count = headers.get(DELIVERY_COUNT);
		if (!(count instanceof Number returns)) {
			return false;
		}
		long limit = this.deliveryLimits.of(properties.getConsumerQueue());
		return limit >= 0 && returns.longValue() >= limit;
	}

	private Redelivery decide(Attempt attempt, Throwable failure) {
		switch (this.retry.kind()) {
			case STATELESS -> {
				// Started with the first failure, as the retry template starts its own: nothing on success.
				BackOffExecution backOff = attempt.backOff;
				if (backOff == null) {
					backOff = this.retry.start();
					attempt.backOff = backOff;
				}
				if (this.retry.willRetry(backOff, failure)) {
					// The interceptor calls the listener again: that attempt's run handles the same delivery,
					// whose messages have already been observed.
					Deliveries.end();
					Deliveries.begin();
					Deliveries.redelivery(attempt);
					return Redelivery.WILL_FOLLOW;
				}
				// Exhausted: the recoverer settles the message (by default, rejected without requeue).
				return Redelivery.NONE;
			}
			case UNKNOWN -> {
				return Redelivery.NONE;
			}
			default -> {
				// The container settles the message below.
			}
		}
		ContainerSettings container = this.settings.of(this, attempt.queue);
		if (container == null) {
			if (this.unknownContainerReported.compareAndSet(false, true)) {
				logger.warn("job-metrics cannot tell which RabbitMQ listener container delivered a failed message "
						+ "from queue '" + attempt.queue + "' (it is not in a RabbitListenerEndpointRegistry, or several "
						+ "containers with different acknowledge or requeue settings consume that queue): its failed "
						+ "deliveries count as failure, not retry.");
			}
			return Redelivery.NONE;
		}
		if (container.acknowledgeMode() != AcknowledgeMode.AUTO) {
			// NONE: the broker forgot the message when it sent it; MANUAL: the listener settles it.
			return Redelivery.NONE;
		}
		if (!requeue.shouldRequeue(container.defaultRequeueRejected(), failure)) {
			return Redelivery.NONE;
		}
		// A quorum queue drops or dead-letters a message returned more often than its delivery limit.
		if (attempt.limitReached) {
			return Redelivery.NONE;
		}
		return Redelivery.WILL_FOLLOW;
	}

	/**
	 * Where the settings of the container that delivered a message come from.
	 */
	@FunctionalInterface
	interface SettingsSource {

		/**
		 * The settings of the container with this advice that consumed the queue, {@code null} if not known.
		 */
		@Nullable ContainerSettings of(DeliveryAdvice advice, @Nullable String queue);

	}

	/**
	 * The delivery under way on a thread, and the rule that the run handling it asks when it fails.
	 */
	private final class Attempt implements RedeliveryRule {

		// Follows the retry interceptor's back-off from the delivery's first failure until the delivery ends.
		@Nullable BackOffExecution backOff;

		// The queue the container consumed the delivery from, which tells the container.
		@Nullable String queue;

		boolean limitReached;

		@Override
		public Redelivery after(Throwable failure) {
			try {
				return decide(this, failure);
			}
			catch (RuntimeException | LinkageError ex) {
				MeteringFailures.log("tell whether RabbitMQ delivers a failed message again", ex);
				return Redelivery.NONE;
			}
		}

	}

}
