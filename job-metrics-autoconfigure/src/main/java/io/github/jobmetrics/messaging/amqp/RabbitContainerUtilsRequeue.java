package io.github.jobmetrics.messaging.amqp;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.amqp.rabbit.listener.support.ContainerUtils;

/**
 * The requeue decision of Spring AMQP 3.2 (Spring Boot 3.5) and 4.0, where {@code ContainerUtils} has not yet moved
 * to {@code org.springframework.amqp.listener}.
 */
// Deprecated for removal in 4.1, which has the class that ListenerContainerUtilsRequeue uses instead.
@SuppressWarnings("removal")
final class RabbitContainerUtilsRequeue implements RequeueDecision {

	private static final Log logger = LogFactory.getLog(RabbitContainerUtilsRequeue.class);

	@Override
	public boolean shouldRequeue(boolean defaultRequeueRejected, Throwable failure) {
		return ContainerUtils.shouldRequeue(defaultRequeueRejected, failure, logger);
	}

}
