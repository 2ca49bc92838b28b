package io.github.jobmetrics.heartbeat;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.function.Supplier;

import io.github.jobmetrics.internal.MeteringFailures;
import io.github.jobmetrics.messaging.amqp.AdviceChains;
import org.aopalliance.aop.Advice;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.config.AbstractRabbitListenerContainerFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.listener.AbstractMessageListenerContainer;
import org.springframework.amqp.rabbit.listener.DirectReplyToMessageListenerContainer;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.util.function.SingletonSupplier;

/**
 * RabbitMQ heartbeats. Sent with the application's {@link RabbitTemplate} through the default exchange to the named
 * queues (a text message whose {@code job-metrics-heartbeat} header is its send time). On the listener side, every
 * {@link AbstractRabbitListenerContainerFactory} bean (the containers of {@code @RabbitListener} methods) and every
 * listener container bean gets one more advice at the head of its advice chain: a heartbeat is recorded and returned from without calling the rest
 * of the chain, so the container acknowledges it as it does a message its listener handled, and neither a retry
 * interceptor nor the application's listener, nor a traced run, sees it. Batch listeners get their batch without
 * the heartbeats.
 * <p>
 * Containers that acknowledge manually ({@code AcknowledgeMode.MANUAL}) leave the acknowledgement to the listener,
 * which never sees the heartbeat: do not send heartbeats to their queues.
 *
 * @since 0.3.0
 */
public final class RabbitHeartbeats implements BeanPostProcessor {

	private static final Log logger = LogFactory.getLog(RabbitHeartbeats.class);

	private final Supplier<HeartbeatMeters> meters;

	/**
	 * Creates the listener side of RabbitMQ heartbeats.
	 * @param meters supplies the meters to record heartbeats consumed in, asked for with the first heartbeat (a
	 * post-processor must not create the registry early)
	 */
	public RabbitHeartbeats(Supplier<HeartbeatMeters> meters) {
		this.meters = SingletonSupplier.of(meters);
	}

	/**
	 * The destinations to send heartbeats to with a template.
	 * @param template the application's template
	 * @param queues the queue names
	 * @return one destination per queue
	 */
	public static List<HeartbeatDestination> destinations(RabbitTemplate template, List<String> queues) {
		return queues.stream().<HeartbeatDestination>map((queue) -> new Sender(template, queue)).toList();
	}

	@Override
	public Object postProcessBeforeInitialization(Object bean, String beanName) {
		// A container bean builds the proxy of its advice chain when it is initialized.
		if (bean instanceof AbstractMessageListenerContainer container
				&& !(bean instanceof DirectReplyToMessageListenerContainer)) {
			try {
				Advice[] chain = AdviceChains.of(container);
				if (chain == null) {
					logger.warn("job-metrics cannot read the advice chain of RabbitMQ listener container '" + beanName
							+ "', so its listener would get heartbeats: send none to its queues, or create it from a "
							+ "RabbitListenerContainerFactory bean");
				}
				else if (!hasReceiver(chain)) {
					container.setAdviceChain(withReceiver(chain));
				}
			}
			catch (RuntimeException | LinkageError ex) {
				MeteringFailures.log("prepare RabbitMQ listener container '" + beanName + "' for heartbeats", ex);
			}
		}
		return bean;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		// Spring Boot has configured the factory (retry interceptor included) in its bean method.
		if (bean instanceof AbstractRabbitListenerContainerFactory<?> factory) {
			try {
				Advice[] chain = factory.getAdviceChain();
				if (!hasReceiver(chain)) {
					factory.setAdviceChain(withReceiver(chain));
				}
			}
			catch (RuntimeException | LinkageError ex) {
				MeteringFailures.log("prepare RabbitMQ listener container factory '" + beanName + "' for heartbeats", ex);
			}
		}
		return bean;
	}

	private static boolean hasReceiver(Advice @Nullable [] chain) {
		if (chain != null) {
			for (Advice advice : chain) {
				if (advice instanceof Receiver) {
					return true;
				}
			}
		}
		return false;
	}

	// First, so that a heartbeat is taken out before a retry interceptor or anything else of the chain sees it.
	private Advice[] withReceiver(Advice @Nullable [] chain) {
		Advice[] existing = (chain != null) ? chain : new Advice[0];
		Advice[] withHeartbeats = new Advice[existing.length + 1];
		withHeartbeats[0] = new Receiver(this.meters);
		System.arraycopy(existing, 0, withHeartbeats, 1, existing.length);
		return withHeartbeats;
	}

	private record Sender(RabbitTemplate template, String queue) implements HeartbeatDestination {

		@Override
		public int send(long sentAtMillis) {
			MessageProperties properties = new MessageProperties();
			properties.setHeader(Heartbeat.HEADER, sentAtMillis);
			properties.setTimestamp(new Date(sentAtMillis));
			properties.setContentType(MessageProperties.CONTENT_TYPE_TEXT_PLAIN);
			this.template.send("", this.queue,
					new Message(Heartbeat.BODY.getBytes(java.nio.charset.StandardCharsets.UTF_8), properties));
			return 1;
		}

	}

	/**
	 * Around the container's delivery of a message, or a batch, to its listener ({@code invokeListener(Channel,
	 * Object)}).
	 */
	static final class Receiver implements MethodInterceptor {

		private final Supplier<HeartbeatMeters> meters;

		Receiver(Supplier<HeartbeatMeters> meters) {
			this.meters = meters;
		}

		@Override
		public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
			Object[] arguments = invocation.getArguments();
			Object data = (arguments.length > 1) ? arguments[1] : null;
			if (data instanceof Message message) {
				if (consumedHeartbeat(message)) {
					return null;
				}
			}
			else if (data instanceof List<?> batch && !batch.isEmpty()) {
				List<Object> rest = null;
				for (int i = 0; i < batch.size(); i++) {
					Object element = batch.get(i);
					if (element instanceof Message message && consumedHeartbeat(message)) {
						if (rest == null) {
							rest = new ArrayList<>(batch.subList(0, i));
						}
					}
					else if (rest != null) {
						rest.add(element);
					}
				}
				if (rest != null) {
					if (rest.isEmpty()) {
						return null;
					}
					arguments[1] = rest;
				}
			}
			return invocation.proceed();
		}

		private boolean consumedHeartbeat(Message message) {
			try {
				MessageProperties properties = message.getMessageProperties();
				Object header = properties.getHeader(Heartbeat.HEADER);
				if (header == null) {
					return false;
				}
				Long sentAt = Heartbeat.sentAt(header);
				if (sentAt == null) {
					return false;
				}
				String queue = properties.getConsumerQueue();
				this.meters.get().consumed((queue != null) ? queue : String.valueOf(properties.getReceivedRoutingKey()),
						sentAt);
				return true;
			}
			catch (RuntimeException ex) {
				MeteringFailures.log("read the heartbeat header of a RabbitMQ message", ex);
				return false;
			}
		}

	}

}
