package io.github.jobmetrics.async;

import java.util.function.Supplier;

import io.github.jobmetrics.internal.WorkerCapacityGauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/**
 * Publishes how many tasks each {@link ThreadPoolTaskExecutor} bean can run at once, its maximum pool size:
 * {@code job.worker.capacity} ({@code job_worker_capacity}), tagged {@code pool} (the executor's bean name) and
 * {@code queue} ({@code none}, the queue of the runs of {@code @Async} methods).
 *
 * @since 0.3.0
 */
public final class ExecutorCapacityMeters implements SmartInitializingSingleton, BeanFactoryAware {

	private static final String NONE = "none";

	private final Supplier<MeterRegistry> registry;

	private ListableBeanFactory beanFactory;

	/**
	 * Creates the meters' binder.
	 * @param registry supplies the registry to publish into
	 */
	public ExecutorCapacityMeters(Supplier<MeterRegistry> registry) {
		this.registry = registry;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = (ListableBeanFactory) beanFactory;
	}

	@Override
	public void afterSingletonsInstantiated() {
		MeterRegistry meterRegistry = this.registry.get();
		this.beanFactory.getBeansOfType(ThreadPoolTaskExecutor.class, false, false)
			.forEach((name, executor) -> WorkerCapacityGauge.register(meterRegistry, name, NONE, executor,
					ThreadPoolTaskExecutor::getMaxPoolSize));
	}

}
