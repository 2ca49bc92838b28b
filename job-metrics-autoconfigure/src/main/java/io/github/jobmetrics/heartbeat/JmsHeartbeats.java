package io.github.jobmetrics.heartbeat;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import io.github.jobmetrics.internal.MeteringFailures;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jms.config.JmsListenerEndpointRegistry;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.jms.listener.AbstractMessageListenerContainer;
import org.springframework.jms.listener.MessageListenerContainer;
import org.springframework.jms.listener.SessionAwareMessageListener;

/**
 * JMS heartbeats. Sent with the application's {@link JmsTemplate} to the named destinations (a text message whose
 * {@code jobMetricsHeartbeat} long property is its send time). On the listener side, the listener of every JMS
 * listener container (those of {@code @JmsListener} methods and container beans) is wrapped before it starts: a
 * heartbeat is recorded and returned from, so the container acknowledges it (or commits its session) as it does a
 * message its listener handled, and the application's listener, and any traced run, never sees it.
 *
 * @since 0.3.0
 */
public final class JmsHeartbeats implements SmartLifecycle, BeanFactoryAware {

	private final HeartbeatMeters meters;

	private final Map<MessageListenerContainer, Boolean> prepared = new IdentityHashMap<>();

	private @Nullable ListableBeanFactory beanFactory;

	private volatile boolean running;

	/**
	 * Creates the listener side of JMS heartbeats.
	 * @param meters the meters to record heartbeats consumed in
	 */
	public JmsHeartbeats(HeartbeatMeters meters) {
		this.meters = meters;
	}

	/**
	 * The destinations to send heartbeats to with a template.
	 * @param template the application's template, whose {@code pubSubDomain} tells queues from topics
	 * @param names the destination names
	 * @return one destination per name
	 */
	public static List<HeartbeatDestination> destinations(JmsTemplate template, List<String> names) {
		return names.stream().<HeartbeatDestination>map((name) -> new Sender(template, name)).toList();
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = (beanFactory instanceof ListableBeanFactory listable) ? listable : null;
	}

	@Override
	public synchronized void start() {
		ListableBeanFactory beans = this.beanFactory;
		if (beans != null) {
			beans.getBeansOfType(JmsListenerEndpointRegistry.class, false, false)
				.values()
				.forEach((endpoints) -> endpoints.getListenerContainers().forEach(this::prepare));
			beans.getBeansOfType(AbstractMessageListenerContainer.class, false, false).values().forEach(this::prepare);
		}
		this.running = true;
	}

	private void prepare(MessageListenerContainer container) {
		if (!(container instanceof AbstractMessageListenerContainer jms)
				|| this.prepared.put(container, Boolean.TRUE) != null) {
			return;
		}
		try {
			Object listener = jms.getMessageListener();
			if (listener != null && !(listener instanceof Receiver)) {
				jms.setMessageListener(new Receiver(listener, this.meters, jms.getDestinationName()));
			}
		}
		catch (RuntimeException | LinkageError ex) {
			MeteringFailures.log("prepare JMS listener container " + container + " for heartbeats", ex);
		}
	}

	@Override
	public void stop() {
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	// Before the containers (DEFAULT_PHASE) and after job-metrics' JMS integration (DEFAULT_PHASE - 4096), so that a
	// heartbeat is taken out before anything else of the container's listener sees it.
	@Override
	public int getPhase() {
		return DEFAULT_PHASE - 2048;
	}

	private record Sender(JmsTemplate template, String queue) implements HeartbeatDestination {

		@Override
		public int send(long sentAtMillis) {
			this.template.send(this.queue, (session) -> {
				TextMessage message = session.createTextMessage(Heartbeat.BODY);
				message.setLongProperty(Heartbeat.JMS_PROPERTY, sentAtMillis);
				return message;
			});
			return 1;
		}

	}

	/**
	 * The container's listener, with heartbeats taken out.
	 */
	static final class Receiver implements SessionAwareMessageListener<Message> {

		private final Object listener;

		private final HeartbeatMeters meters;

		private final @Nullable String destinationName;

		Receiver(Object listener, HeartbeatMeters meters, @Nullable String destinationName) {
			this.listener = listener;
			this.meters = meters;
			this.destinationName = destinationName;
		}

		@Override
		@SuppressWarnings("unchecked")
		public void onMessage(Message message, @Nullable Session session) throws JMSException {
			if (consumedHeartbeat(message)) {
				return;
			}
			if (this.listener instanceof SessionAwareMessageListener<?> sessionAware) {
				((SessionAwareMessageListener<Message>) sessionAware).onMessage(message, session);
			}
			else {
				((MessageListener) this.listener).onMessage(message);
			}
		}

		private boolean consumedHeartbeat(Message message) {
			try {
				if (!message.propertyExists(Heartbeat.JMS_PROPERTY)) {
					return false;
				}
				Long sentAt = Heartbeat.sentAt(message.getObjectProperty(Heartbeat.JMS_PROPERTY));
				if (sentAt == null) {
					return false;
				}
				this.meters.consumed(queue(message), sentAt);
				return true;
			}
			catch (JMSException | RuntimeException ex) {
				MeteringFailures.log("read the heartbeat property of a JMS message", ex);
				return false;
			}
		}

		private String queue(Message message) throws JMSException {
			Destination destination = message.getJMSDestination();
			if (destination instanceof Queue queue) {
				return queue.getQueueName();
			}
			if (destination instanceof Topic topic) {
				return topic.getTopicName();
			}
			return (this.destinationName != null) ? this.destinationName : "";
		}

	}

}
