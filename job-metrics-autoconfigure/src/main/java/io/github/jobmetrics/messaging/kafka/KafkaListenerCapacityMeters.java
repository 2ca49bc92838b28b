package io.github.jobmetrics.messaging.kafka;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.function.Supplier;

import io.github.jobmetrics.internal.MeteringFailures;
import io.github.jobmetrics.internal.WorkerCapacityGauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * Publishes the capacity of each Kafka listener container: {@code job.worker.capacity}
 * ({@code job_worker_capacity}), a gauge tagged {@code pool} (the listener id: a {@code @KafkaListener}'s id, or
 * the container bean's name) and {@code queue} (its topic when it listens to exactly one, else {@code none}),
 * whose value is the container's concurrency, read at each publication.
 * <p>
 * The containers of {@code @KafkaListener} methods exist only once every singleton does, and start in the
 * containers' lifecycle phase: the gauges are registered just before, so that they exist when the first record
 * arrives. Containers registered later, at run time, have no gauge.
 *
 * @since 0.3.0
 */
public final class KafkaListenerCapacityMeters implements SmartLifecycle, BeanFactoryAware {

	private final Supplier<MeterRegistry> registry;

	private volatile boolean running;

	private ListableBeanFactory beanFactory;

	/**
	 * Creates the binder.
	 * @param registry supplies the registry to publish into
	 */
	public KafkaListenerCapacityMeters(Supplier<MeterRegistry> registry) {
		this.registry = registry;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = (ListableBeanFactory) beanFactory;
	}

	@Override
	public void start() {
		this.running = true;
		try {
			MeterRegistry meterRegistry = this.registry.get();
			for (MessageListenerContainer container : containers()) {
				String pool = container.getListenerId();
				// Other kinds of container (share consumers) have no concurrency of this kind.
				if (pool != null && container instanceof AbstractMessageListenerContainer<?, ?>) {
					WorkerCapacityGauge.register(meterRegistry, pool, topic(container), container,
							KafkaListenerCapacityMeters::capacity);
				}
			}
		}
		catch (RuntimeException | LinkageError ex) {
			MeteringFailures.log("publish the capacity of the Kafka listener containers", ex);
		}
	}

	private Set<MessageListenerContainer> containers() {
		Set<MessageListenerContainer> containers = Collections.newSetFromMap(new IdentityHashMap<>());
		this.beanFactory.getBeanProvider(KafkaListenerEndpointRegistry.class)
			.ifAvailable((registry) -> containers.addAll(registry.getListenerContainers()));
		containers.addAll(this.beanFactory.getBeansOfType(MessageListenerContainer.class, false, false).values());
		return containers;
	}

	private static String topic(MessageListenerContainer container) {
		String[] topics = container.getContainerProperties().getTopics();
		return (topics != null && topics.length == 1) ? topics[0] : "";
	}

	static double capacity(MessageListenerContainer container) {
		if (container instanceof ConcurrentMessageListenerContainer<?, ?> concurrent) {
			return concurrent.getConcurrency();
		}
		// A KafkaMessageListenerContainer is one consumer on one thread.
		return 1;
	}

	@Override
	public void stop() {
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	// Just before the listener containers (AbstractMessageListenerContainer.DEFAULT_PHASE) start.
	@Override
	public int getPhase() {
		return AbstractMessageListenerContainer.DEFAULT_PHASE - 1;
	}

}
