package io.github.jobmetrics.async;

import java.util.function.Supplier;

import io.github.jobmetrics.internal.BeanPoolCapacityMeters;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/**
 * Publishes how many tasks each {@link ThreadPoolTaskExecutor} bean can run at once, its maximum pool size:
 * {@code job.worker.capacity} ({@code job_worker_capacity}), tagged {@code pool} (the executor's bean name) and
 * {@code queue} ({@code none}, the queue of the runs of {@code @Async} methods).
 *
 * @since 0.3.0
 */
public final class ExecutorCapacityMeters extends BeanPoolCapacityMeters {

	private static final String NONE = "none";

	/**
	 * Creates the meters' binder.
	 * @param registry supplies the registry to publish into
	 */
	public ExecutorCapacityMeters(Supplier<MeterRegistry> registry) {
		super(registry);
	}

	@Override
	protected void registerPools() {
		register(ThreadPoolTaskExecutor.class, NONE, ThreadPoolTaskExecutor::getMaxPoolSize);
	}

}
