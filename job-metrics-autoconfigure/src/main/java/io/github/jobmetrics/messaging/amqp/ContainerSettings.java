package io.github.jobmetrics.messaging.amqp;

import java.lang.reflect.Field;
import java.lang.reflect.Method;

import org.aopalliance.aop.Advice;
import org.jspecify.annotations.Nullable;

import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.rabbit.listener.AbstractMessageListenerContainer;
import org.springframework.amqp.rabbit.listener.DirectMessageListenerContainer;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;

/**
 * What a listener container does with a failed delivery (its acknowledge mode and {@code defaultRequeueRejected}),
 * read from the container itself, after the factory, the {@code @RabbitListener} ({@code ackMode}) and any
 * {@code ContainerCustomizer} have configured it; and how many consumers it runs at most.
 * <p>
 * The acknowledge mode has a public getter. The rest has none: {@code defaultRequeueRejected} and the advice
 * chain through their protected getters, the consumer counts through private fields (verified on Spring AMQP
 * 3.2, 4.0 and 4.1). When a later Spring AMQP lacks one, {@link SpringAmqpMembers} says so once and the documented
 * default is assumed.
 */
record ContainerSettings(boolean defaultRequeueRejected, AcknowledgeMode acknowledgeMode) {

	static final String DEFAULT_REQUEUE_REJECTED = "isDefaultRequeueRejected";

	static final String ADVICE_CHAIN = "getAdviceChain";

	static final String CONCURRENT_CONSUMERS = "concurrentConsumers";

	static final String MAX_CONCURRENT_CONSUMERS = "maxConcurrentConsumers";

	static final String CONSUMERS_PER_QUEUE = "consumersPerQueue";

	private static final @Nullable Method isDefaultRequeueRejected = SpringAmqpMembers.method(
			AbstractMessageListenerContainer.class, DEFAULT_REQUEUE_REJECTED,
			"a failed message is assumed to be requeued (the default), unless the failure says otherwise");

	private static final @Nullable Method getAdviceChain = SpringAmqpMembers.method(
			AbstractMessageListenerContainer.class, ADVICE_CHAIN,
			"listener container beans that are not created by a container factory are not instrumented");

	private static final String CAPACITY_UNKNOWN = "job.worker.capacity of RabbitMQ listener containers is NaN";

	private static final @Nullable Field concurrentConsumers = SpringAmqpMembers
		.field(SimpleMessageListenerContainer.class, CONCURRENT_CONSUMERS, CAPACITY_UNKNOWN);

	private static final @Nullable Field maxConcurrentConsumers = SpringAmqpMembers
		.field(SimpleMessageListenerContainer.class, MAX_CONCURRENT_CONSUMERS, CAPACITY_UNKNOWN);

	private static final @Nullable Field consumersPerQueue = SpringAmqpMembers
		.field(DirectMessageListenerContainer.class, CONSUMERS_PER_QUEUE, CAPACITY_UNKNOWN);

	static ContainerSettings of(AbstractMessageListenerContainer container) {
		Object requeue = SpringAmqpMembers.invoke(isDefaultRequeueRejected, container);
		AcknowledgeMode mode = container.getAcknowledgeMode();
		return new ContainerSettings(!Boolean.FALSE.equals(requeue), (mode != null) ? mode : AcknowledgeMode.AUTO);
	}

	/**
	 * The container's advice chain as set so far, {@code null} if it cannot be read.
	 */
	static Advice @Nullable [] adviceChain(AbstractMessageListenerContainer container) {
		return (Advice[]) SpringAmqpMembers.invoke(getAdviceChain, container);
	}

	/**
	 * How many messages the container can work on at once: a simple container's maximum of consumers (its
	 * concurrent consumers when it does not scale), a direct container's consumers per queue times its queues.
	 * {@code NaN} if unknown.
	 */
	static double capacity(AbstractMessageListenerContainer container) {
		if (container instanceof SimpleMessageListenerContainer) {
			Object max = SpringAmqpMembers.read(maxConcurrentConsumers, container);
			Object concurrent = SpringAmqpMembers.read(concurrentConsumers, container);
			if (max instanceof Integer maximum) {
				return maximum;
			}
			return (concurrent instanceof Integer count) ? count : Double.NaN;
		}
		if (container instanceof DirectMessageListenerContainer) {
			Object perQueue = SpringAmqpMembers.read(consumersPerQueue, container);
			return (perQueue instanceof Integer count) ? (double) count * container.getQueueNames().length
					: Double.NaN;
		}
		return Double.NaN;
	}

}
