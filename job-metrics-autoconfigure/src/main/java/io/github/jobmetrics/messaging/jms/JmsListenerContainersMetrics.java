package io.github.jobmetrics.messaging.jms;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Supplier;

import io.github.jobmetrics.internal.MeteringFailures;
import io.github.jobmetrics.internal.WorkerCapacityGauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.jms.Session;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jms.config.JmsListenerEndpointRegistry;
import org.springframework.jms.listener.AbstractMessageListenerContainer;
import org.springframework.jms.listener.DefaultMessageListenerContainer;
import org.springframework.jms.listener.MessageListenerContainer;

/**
 * Prepares every JMS listener container of the application before it starts: those of {@code @JmsListener}
 * methods and container beans. Each container's listener is wrapped so that the traced run handling a message
 * observes its queue wait (from {@code JMSTimestamp}) and counts a failed delivery as {@code retry} when the
 * broker will deliver it again ({@code JMSXDeliveryCount} below {@code job-metrics.jms.max-deliveries}) and as
 * {@code failure} on the last delivery. Each container also publishes {@code job.worker.capacity}, tagged
 * {@code pool} (the listener id or bean name) and {@code queue} (its destination), with its maximum number of
 * concurrent consumers.
 * <p>
 * A lifecycle bean rather than a post-processor, because the containers of {@code @JmsListener} methods are
 * created after all singletons, and it starts in an earlier phase than they do.
 *
 * @since 0.3.0
 */
public final class JmsListenerContainersMetrics implements SmartLifecycle, BeanFactoryAware {

	private final Supplier<MeterRegistry> registry;

	private final int maxDeliveries;

	private final Map<MessageListenerContainer, Boolean> prepared = new IdentityHashMap<>();

	private ListableBeanFactory beanFactory;

	private volatile boolean running;

	/**
	 * Creates the binder.
	 * @param registry supplies the registry for the capacity gauges
	 * @param maxDeliveries how many times the broker delivers a message before it dead-letters it
	 */
	public JmsListenerContainersMetrics(Supplier<MeterRegistry> registry, int maxDeliveries) {
		this.registry = registry;
		this.maxDeliveries = maxDeliveries;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = (ListableBeanFactory) beanFactory;
	}

	@Override
	public synchronized void start() {
		this.beanFactory.getBeansOfType(JmsListenerEndpointRegistry.class, false, false)
			.values()
			.forEach((endpoints) -> endpoints.getListenerContainerIds()
				.forEach((id) -> prepare(id, endpoints.getListenerContainer(id))));
		this.beanFactory.getBeansOfType(AbstractMessageListenerContainer.class, false, false)
			.forEach(this::prepare);
		this.running = true;
	}

	private void prepare(String pool, MessageListenerContainer container) {
		if (!(container instanceof AbstractMessageListenerContainer jms)
				|| this.prepared.put(container, Boolean.TRUE) != null) {
			return;
		}
		try {
			Object listener = jms.getMessageListener();
			if (listener != null && !(listener instanceof DeliveryDescribingListener)) {
				jms.setMessageListener(new DeliveryDescribingListener(listener, redelivers(jms), this.maxDeliveries));
			}
			if (jms instanceof DefaultMessageListenerContainer pooled) {
				String queue = (jms.getDestinationName() != null) ? jms.getDestinationName() : "";
				WorkerCapacityGauge.register(this.registry.get(), pool, queue, pooled,
						DefaultMessageListenerContainer::getMaxConcurrentConsumers);
			}
		}
		catch (RuntimeException | LinkageError ex) {
			MeteringFailures.log("prepare JMS listener container '" + pool + "'", ex);
		}
	}

	// A listener's exception makes the broker deliver the message again only when the session or an external
	// transaction is rolled back, or the message was not acknowledged; with AUTO_ACKNOWLEDGE or DUPS_OK it is
	// acknowledged anyway. The transaction manager has only a protected getter, read by TransactionManagerReader (a hint
	// for Spring AOT in JmsListenerRuntimeHints).
	private static boolean redelivers(AbstractMessageListenerContainer container) {
		return container.isSessionTransacted() || container.getSessionAcknowledgeMode() == Session.CLIENT_ACKNOWLEDGE
				|| (container instanceof DefaultMessageListenerContainer
						&& TransactionManagerReader.POLLING_CONTAINERS.hasTransactionManager(container));
	}

	@Override
	public void stop() {
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	// Before the containers (DEFAULT_PHASE), and the registry that starts those of @JmsListener methods.
	@Override
	public int getPhase() {
		return DEFAULT_PHASE - 4096;
	}

}
