package io.github.jobmetrics.messaging.jms;

import io.github.jobmetrics.internal.Deliveries;
import io.github.jobmetrics.internal.Deliveries.Redelivery;
import io.github.jobmetrics.internal.MeteringFailures;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import jakarta.jms.Session;
import org.jspecify.annotations.Nullable;

import org.springframework.jms.listener.SessionAwareMessageListener;

/**
 * Wraps the listener of a JMS container so that the traced run handling a message knows when the message was
 * enqueued and whether the broker will deliver it again if the run fails. The message passes through untouched.
 */
final class DeliveryDescribingListener implements SessionAwareMessageListener<Message> {

	private static final String DELIVERY_COUNT = "JMSXDeliveryCount";

	private final Object listener;

	private final boolean redelivers;

	private final int maxDeliveries;

	/**
	 * @param listener the container's listener, a {@link MessageListener} or a {@link SessionAwareMessageListener}
	 * @param redelivers whether a failed delivery goes back to the broker: the container's session is transacted
	 * or acknowledges by client; with automatic acknowledgement a listener's exception loses the message
	 * @param maxDeliveries how many deliveries the broker makes before it dead-letters the message
	 */
	DeliveryDescribingListener(Object listener, boolean redelivers, int maxDeliveries) {
		this.listener = listener;
		this.redelivers = redelivers;
		this.maxDeliveries = maxDeliveries;
	}

	Object listener() {
		return this.listener;
	}

	@Override
	@SuppressWarnings("unchecked")
	public void onMessage(Message message, @Nullable Session session) throws JMSException {
		boolean began = Deliveries.begin();
		try {
			if (began) {
				describe(message);
			}
			if (this.listener instanceof SessionAwareMessageListener<?> sessionAware) {
				((SessionAwareMessageListener<Message>) sessionAware).onMessage(message, session);
			}
			else {
				((MessageListener) this.listener).onMessage(message);
			}
		}
		finally {
			if (began) {
				Deliveries.end();
			}
		}
	}

	private void describe(Message message) {
		try {
			long timestamp = message.getJMSTimestamp();
			if (timestamp > 0) {
				Deliveries.enqueuedAt(timestamp);
			}
			Deliveries.redelivery(redelivery(message));
		}
		catch (JMSException | RuntimeException ex) {
			MeteringFailures.log("read the timestamp and delivery count of a JMS message", ex);
		}
	}

	private Redelivery redelivery(Message message) throws JMSException {
		if (!this.redelivers) {
			return Redelivery.NONE;
		}
		// JMS 2 makes JMSXDeliveryCount mandatory; a provider without it leaves the outcome unknown.
		if (!message.propertyExists(DELIVERY_COUNT)) {
			return Redelivery.UNKNOWN;
		}
		return Redelivery.ofAttempt(message.getIntProperty(DELIVERY_COUNT), this.maxDeliveries);
	}

}
