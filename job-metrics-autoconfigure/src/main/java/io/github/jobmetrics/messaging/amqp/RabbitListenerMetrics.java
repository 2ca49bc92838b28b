package io.github.jobmetrics.messaging.amqp;

import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import io.github.jobmetrics.internal.WorkerCapacityGauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.aopalliance.aop.Advice;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.amqp.rabbit.config.AbstractRabbitListenerContainerFactory;
import org.springframework.amqp.rabbit.listener.AbstractMessageListenerContainer;
import org.springframework.amqp.rabbit.listener.DirectReplyToMessageListenerContainer;
import org.springframework.amqp.rabbit.listener.RabbitListenerEndpointRegistry;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.util.function.SingletonSupplier;

/**
 * Instruments the RabbitMQ listener containers of Spring AMQP, as Spring Boot configures them: every
 * {@link AbstractRabbitListenerContainerFactory} bean (the containers of {@code @RabbitListener} methods) and
 * every {@link AbstractMessageListenerContainer} bean gets one more advice at the head of its advice chain,
 * which describes each delivery to the {@code @TracedJob} run that handles it: the run observes the queue wait
 * of each message from its AMQP {@code timestamp} property, and a failed attempt counts as {@code retry} when
 * the message comes back (an in-memory retry, or a requeue below the queue's delivery limit: the
 * {@code x-delivery-limit} of a declared {@code Queue} bean, else the configured one) and as {@code failure}
 * when it does not. What follows a failure depends on the container that delivered the message, as the factory, the
 * {@code @RabbitListener} and any {@code ContainerCustomizer} configured it. The application's own advice chain is
 * kept as it is.
 * <p>
 * Works with the Spring AMQP of Spring Boot 3.5, 4.0 and 4.1 (3.2, 4.0, 4.1): it touches only the types they share,
 * and what differs (where {@code ContainerUtils} lives, which retry interceptors exist) is chosen by the classes
 * present.
 * <p>
 * Once the context is refreshed it publishes, for every container of the listener endpoint registry and every
 * container bean, {@code job.worker.capacity} ({@code job_worker_capacity}), a gauge tagged {@code pool} (the
 * listener id) and {@code queue} (the container's queue when it has exactly one, else {@code none}): the most
 * consumers the container runs at once.
 *
 * @since 0.3.0
 */
public final class RabbitListenerMetrics
		implements BeanPostProcessor, ApplicationListener<ContextRefreshedEvent>, BeanFactoryAware {

	private static final Log logger = LogFactory.getLog(RabbitListenerMetrics.class);

	private final Supplier<MeterRegistry> registry;

	private final @Nullable Long deliveryLimit;

	private @Nullable DeliveryLimits deliveryLimits;

	private @Nullable ListableBeanFactory beanFactory;

	private final Set<Object> measured = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));

	/**
	 * Creates the instrumentation of RabbitMQ listener containers.
	 * @param registry supplies the registry to publish capacities into, once the context is refreshed
	 * @param deliveryLimit how many times the broker returns a message to its queue before it drops or
	 * dead-letters it (a quorum queue's {@code x-delivery-limit}) when the queue is not declared as a bean with
	 * that argument, {@code null} if it has no limit
	 */
	public RabbitListenerMetrics(Supplier<MeterRegistry> registry, @Nullable Long deliveryLimit) {
		this.registry = registry;
		this.deliveryLimit = deliveryLimit;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = (beanFactory instanceof ListableBeanFactory listable) ? listable : null;
		this.deliveryLimits = new DeliveryLimits(this.beanFactory, this.deliveryLimit);
	}

	@Override
	public Object postProcessBeforeInitialization(Object bean, String beanName) throws BeansException {
		// A container bean builds the proxy of its advice chain when it is initialized.
		if (bean instanceof AbstractMessageListenerContainer container
				&& !(bean instanceof DirectReplyToMessageListenerContainer)) {
			instrument(container, beanName);
		}
		return bean;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
		// Spring Boot has configured the factory (retry interceptor included) in its bean method.
		if (bean instanceof AbstractRabbitListenerContainerFactory<?> factory) {
			Advice[] chain = factory.getAdviceChain();
			if (indexOfAdvice(chain) < 0) {
				factory.setAdviceChain(withAdvice(chain, registeredContainers()));
			}
		}
		return bean;
	}

	private void instrument(AbstractMessageListenerContainer container, String beanName) {
		Advice[] chain;
		try {
			chain = ContainerSettings.adviceChain(container);
		}
		catch (RuntimeException ex) {
			chain = null;
		}
		if (chain == null) {
			logger.warn("job-metrics cannot read the advice chain of RabbitMQ listener container '" + beanName
					+ "': its deliveries are not described to @TracedJob runs (no queue wait, failures not told "
					+ "from redeliveries). Create it from a RabbitListenerContainerFactory bean instead.");
			return;
		}
		int index = indexOfAdvice(chain);
		if (index < 0) {
			container.setAdviceChain(withAdvice(chain, (advice, queue) -> ContainerSettings.of(container)));
		}
		else {
			// Created by an instrumented factory: this container alone has this chain, so its advice can be its own.
			Advice[] bound = chain.clone();
			bound[index] = ((DeliveryAdvice) chain[index]).boundTo(container);
			container.setAdviceChain(bound);
		}
	}

	// The containers of @RabbitListener methods are in the endpoint registry, looked up when a delivery fails.
	private DeliveryAdvice.SettingsSource registeredContainers() {
		ListableBeanFactory beans = this.beanFactory;
		if (beans == null) {
			return (advice, queue) -> null;
		}
		SingletonSupplier<List<RabbitListenerEndpointRegistry>> registries = SingletonSupplier
			.of(() -> beans.getBeanProvider(RabbitListenerEndpointRegistry.class).orderedStream().toList());
		return (advice, queue) -> settingsOf(registries.obtain(), advice, queue);
	}

	/**
	 * The settings of the one registered container with the advice that consumes the queue; {@code null} if there is
	 * none, or several that differ.
	 */
	private static @Nullable ContainerSettings settingsOf(List<RabbitListenerEndpointRegistry> registries,
			DeliveryAdvice advice, @Nullable String queue) {
		ContainerSettings found = null;
		for (RabbitListenerEndpointRegistry registry : registries) {
			// Not typed: the element type moved to org.springframework.amqp.core in Spring AMQP 4.1.
			Collection<?> containers = registry.getListenerContainers();
			for (Object candidate : containers) {
				if (candidate instanceof AbstractMessageListenerContainer container && consumes(container, queue)
						&& carries(container, advice)) {
					ContainerSettings settings = ContainerSettings.of(container);
					if (found != null && !found.equals(settings)) {
						return null;
					}
					found = settings;
				}
			}
		}
		return found;
	}

	private static boolean consumes(AbstractMessageListenerContainer container, @Nullable String queue) {
		if (queue == null) {
			return true;
		}
		for (String name : container.getQueueNames()) {
			if (queue.equals(name)) {
				return true;
			}
		}
		return false;
	}

	private static boolean carries(AbstractMessageListenerContainer container, DeliveryAdvice advice) {
		Advice[] chain = ContainerSettings.adviceChain(container);
		if (chain == null) {
			// Unreadable: the queue alone tells.
			return true;
		}
		for (Advice element : chain) {
			if (element == advice) {
				return true;
			}
		}
		return false;
	}

	private Advice[] withAdvice(Advice @Nullable [] chain, DeliveryAdvice.SettingsSource settings) {
		Advice[] existing = (chain != null) ? chain : new Advice[0];
		Advice[] instrumented = new Advice[existing.length + 1];
		DeliveryLimits limits = this.deliveryLimits;
		if (limits == null) {
			limits = new DeliveryLimits(null, this.deliveryLimit);
			this.deliveryLimits = limits;
		}
		instrumented[0] = new DeliveryAdvice(settings, InMemoryRetry.in(existing), limits);
		System.arraycopy(existing, 0, instrumented, 1, existing.length);
		return instrumented;
	}

	// A container that a factory created as a bean already has the factory's advice.
	private static int indexOfAdvice(Advice @Nullable [] chain) {
		if (chain != null) {
			for (int i = 0; i < chain.length; i++) {
				if (chain[i] instanceof DeliveryAdvice) {
					return i;
				}
			}
		}
		return -1;
	}

	@Override
	public void onApplicationEvent(ContextRefreshedEvent event) {
		ApplicationContext context = event.getApplicationContext();
		MeterRegistry meterRegistry = this.registry.get();
		context.getBeanProvider(RabbitListenerEndpointRegistry.class).forEach((endpoints) -> {
			// Not typed: the element type moved to org.springframework.amqp.core in Spring AMQP 4.1.
			Collection<?> containers = endpoints.getListenerContainers();
			for (Object container : containers) {
				measure(meterRegistry, container, null);
			}
		});
		context.getBeansOfType(AbstractMessageListenerContainer.class, false, false)
			.forEach((name, container) -> measure(meterRegistry, container, name));
	}

	private void measure(MeterRegistry registry, Object candidate, @Nullable String beanName) {
		if (!(candidate instanceof AbstractMessageListenerContainer container)
				|| candidate instanceof DirectReplyToMessageListenerContainer || !this.measured.add(container)) {
			return;
		}
		String id = container.getListenerId();
		String pool = (id != null) ? id : ((beanName != null) ? beanName : container.toString());
		String[] queues = container.getQueueNames();
		String queue = (queues.length == 1) ? queues[0] : "";
		WorkerCapacityGauge.register(registry, pool, queue, container, ContainerSettings::capacity);
	}

}
