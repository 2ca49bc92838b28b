package io.github.jobmetrics.internal;

import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * What the capacity meters of every integration whose pools are singleton beans (schedulers, executors) do alike:
 * once every singleton exists, each pool bean gets its {@link WorkerCapacityGauge}, named {@code pool} by its bean
 * name. A subclass says which beans are pools and how to read their capacity. Internal to job-metrics, not API.
 */
public abstract class BeanPoolCapacityMeters implements SmartInitializingSingleton, BeanFactoryAware {

	private final Supplier<MeterRegistry> registry;

	private ListableBeanFactory beanFactory;

	/**
	 * Creates the meters' binder.
	 * @param registry supplies the registry to publish into, once every singleton exists
	 */
	protected BeanPoolCapacityMeters(Supplier<MeterRegistry> registry) {
		this.registry = registry;
	}

	@Override
	public final void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = (ListableBeanFactory) beanFactory;
	}

	@Override
	public final void afterSingletonsInstantiated() {
		registerPools();
	}

	/**
	 * Registers the gauges of each kind of pool bean, through {@link #register(Class, String, ToDoubleFunction)}.
	 */
	protected abstract void registerPools();

	/**
	 * Registers the gauge of each singleton bean of the given type.
	 * @param <T> the type of the pools
	 * @param type the type of the pools
	 * @param queue the {@code queue} tag of every one of them
	 * @param capacity reads how many runs a pool can work on at once
	 */
	protected final <T> void register(Class<T> type, String queue, ToDoubleFunction<? super T> capacity) {
		MeterRegistry meterRegistry = this.registry.get();
		this.beanFactory.getBeansOfType(type, false, false)
			.forEach((name, pool) -> WorkerCapacityGauge.register(meterRegistry, name, queue, pool,
					capacity::applyAsDouble));
	}

}
