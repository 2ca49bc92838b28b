package io.github.jobmetrics.messaging.amqp;

import org.aopalliance.aop.Advice;
import org.jspecify.annotations.Nullable;

import org.springframework.amqp.rabbit.listener.AbstractMessageListenerContainer;

/**
 * Reads the advice chain of a RabbitMQ listener container, which Spring AMQP keeps behind a protected getter on
 * every supported line. Public for {@code io.github.jobmetrics.heartbeat}, which prepends an advice of its own as
 * this package does; internal to job-metrics, not API.
 */
public final class AdviceChains {

	private AdviceChains() {
	}

	/**
	 * Returns the advice chain of a container.
	 * @param container the container
	 * @return its advice chain (empty if it has none), or {@code null} if this Spring AMQP hides it
	 */
	public static Advice @Nullable [] of(AbstractMessageListenerContainer container) {
		try {
			return ContainerSettings.adviceChain(container);
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

}
