package io.github.jobmetrics.messaging.amqp;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.amqp.listener.ContainerUtils;

/**
 * The requeue decision of Spring AMQP 4.1 and later.
 */
final class ListenerContainerUtilsRequeue implements RequeueDecision {

	private static final Log logger = LogFactory.getLog(ListenerContainerUtilsRequeue.class);

	@Override
	public boolean shouldRequeue(boolean defaultRequeueRejected, Throwable failure) {
		return ContainerUtils.shouldRequeue(defaultRequeueRejected, failure, logger);
	}

}
