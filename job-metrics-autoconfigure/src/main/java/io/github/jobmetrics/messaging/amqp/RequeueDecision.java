package io.github.jobmetrics.messaging.amqp;

import org.springframework.util.ClassUtils;

/**
 * Spring AMQP's own decision whether a listener container requeues a message that it rejects after a failure
 * ({@code ContainerUtils.shouldRequeue}), from the class of the Spring AMQP version present: 4.1 moved
 * {@code ContainerUtils} to {@code org.springframework.amqp.listener} and deprecated the one in
 * {@code org.springframework.amqp.rabbit.listener.support} for removal, which is the only one of 3.2 (Spring Boot
 * 3.5) and 4.0. Each implementation is a class of its own, loaded only where its {@code ContainerUtils} exists.
 */
interface RequeueDecision {

	String CONTAINER_UTILS = "org.springframework.amqp.listener.ContainerUtils";

	/**
	 * Tells whether the container requeues the message.
	 * @param defaultRequeueRejected the container's {@code defaultRequeueRejected}
	 * @param failure what the listener threw
	 */
	boolean shouldRequeue(boolean defaultRequeueRejected, Throwable failure);

	static RequeueDecision ofSpringAmqp(ClassLoader classLoader) {
		return ClassUtils.isPresent(CONTAINER_UTILS, classLoader) ? new ListenerContainerUtilsRequeue()
				: new RabbitContainerUtilsRequeue();
	}

}
