package io.github.jobmetrics.messaging.amqp;

import java.lang.reflect.Field;
import java.lang.reflect.Method;

import org.aopalliance.aop.Advice;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.rabbit.config.AbstractRabbitListenerContainerFactory;
import org.springframework.amqp.rabbit.listener.AbstractMessageListenerContainer;
import org.springframework.amqp.rabbit.listener.DirectMessageListenerContainer;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.util.ReflectionUtils;

/**
 * What a listener container does with a failed delivery ({@code defaultRequeueRejected}, acknowledge mode), and
 * how many consumers it runs at most. Spring AMQP keeps these in fields without public getters; they are read
 * reflectively, and when a later Spring AMQP renames them, the documented defaults are assumed and a warning
 * says so once.
 */
record ContainerSettings(boolean defaultRequeueRejected, AcknowledgeMode acknowledgeMode) {

	private static final Log logger = LogFactory.getLog(ContainerSettings.class);

	static final ContainerSettings DEFAULTS = new ContainerSettings(true, AcknowledgeMode.AUTO);

	private static final @Nullable Field FACTORY_REQUEUE = field(AbstractRabbitListenerContainerFactory.class,
			"defaultRequeueRejected");

	private static final @Nullable Field FACTORY_ACK_MODE = field(AbstractRabbitListenerContainerFactory.class,
			"acknowledgeMode");

	private static final @Nullable Field CONTAINER_REQUEUE = field(AbstractMessageListenerContainer.class,
			"defaultRequeueRejected");

	private static final @Nullable Field CONCURRENT_CONSUMERS = field(SimpleMessageListenerContainer.class,
			"concurrentConsumers");

	private static final @Nullable Field MAX_CONCURRENT_CONSUMERS = field(SimpleMessageListenerContainer.class,
			"maxConcurrentConsumers");

	private static final @Nullable Field CONSUMERS_PER_QUEUE = field(DirectMessageListenerContainer.class,
			"consumersPerQueue");

	private static final @Nullable Method ADVICE_CHAIN = method(AbstractMessageListenerContainer.class,
			"getAdviceChain");

	static ContainerSettings of(AbstractRabbitListenerContainerFactory<?> factory) {
		Object requeue = read(FACTORY_REQUEUE, factory);
		Object ackMode = read(FACTORY_ACK_MODE, factory);
		return new ContainerSettings(!Boolean.FALSE.equals(requeue),
				(ackMode instanceof AcknowledgeMode mode) ? mode : AcknowledgeMode.AUTO);
	}

	static ContainerSettings of(AbstractMessageListenerContainer container) {
		Object requeue = read(CONTAINER_REQUEUE, container);
		return new ContainerSettings(!Boolean.FALSE.equals(requeue), container.getAcknowledgeMode());
	}

	/**
	 * The container's advice chain as set so far, {@code null} if it cannot be read.
	 */
	static Advice @Nullable [] adviceChain(AbstractMessageListenerContainer container) {
		if (ADVICE_CHAIN == null) {
			return null;
		}
		return (Advice[]) ReflectionUtils.invokeMethod(ADVICE_CHAIN, container);
	}

	/**
	 * How many messages the container can work on at once: a simple container's maximum of consumers (its
	 * concurrent consumers when it does not scale), a direct container's consumers per queue times its queues.
	 * {@code NaN} if unknown.
	 */
	static double capacity(AbstractMessageListenerContainer container) {
		if (container instanceof SimpleMessageListenerContainer) {
			Object max = read(MAX_CONCURRENT_CONSUMERS, container);
			Object concurrent = read(CONCURRENT_CONSUMERS, container);
			if (max instanceof Integer maximum) {
				return maximum;
			}
			return (concurrent instanceof Integer count) ? count : Double.NaN;
		}
		if (container instanceof DirectMessageListenerContainer) {
			Object perQueue = read(CONSUMERS_PER_QUEUE, container);
			return (perQueue instanceof Integer count) ? (double) count * container.getQueueNames().length
					: Double.NaN;
		}
		return Double.NaN;
	}

	private static @Nullable Object read(@Nullable Field field, Object target) {
		return (field != null) ? ReflectionUtils.getField(field, target) : null;
	}

	private static @Nullable Field field(Class<?> type, String name) {
		try {
			Field field = ReflectionUtils.findField(type, name);
			if (field != null) {
				ReflectionUtils.makeAccessible(field);
				return field;
			}
		}
		catch (RuntimeException ex) {
			// Reported below.
		}
		unreadable(type.getSimpleName() + "." + name);
		return null;
	}

	private static @Nullable Method method(Class<?> type, String name) {
		try {
			Method method = ReflectionUtils.findMethod(type, name);
			if (method != null) {
				ReflectionUtils.makeAccessible(method);
				return method;
			}
		}
		catch (RuntimeException ex) {
			// Reported below.
		}
		unreadable(type.getSimpleName() + "." + name + "()");
		return null;
	}

	private static void unreadable(String member) {
		logger.warn("job-metrics cannot read " + member + " of this Spring AMQP version: RabbitMQ listener "
				+ "metrics assume its default (requeue rejected messages, acknowledge automatically, capacity "
				+ "unknown). Please report it to job-metrics.");
	}

}
