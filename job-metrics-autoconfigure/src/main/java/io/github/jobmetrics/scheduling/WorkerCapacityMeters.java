package io.github.jobmetrics.scheduling;

import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

import io.github.jobmetrics.internal.MeteringFailures;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.scheduling.concurrent.SimpleAsyncTaskScheduler;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * Publishes how many runs each scheduler bean can work on at once, so that saturation is the rate of
 * worked seconds divided by it: {@code job.worker.capacity} ({@code job_worker_capacity}), a gauge tagged
 * {@code pool} (the scheduler's bean name) and {@code queue} ({@code none}: a scheduler takes no work from a
 * queue; a listener container's pool carries its queue, so that its saturation divides by queue). A scheduler's
 * saturation divides the worked seconds of its own jobs, which {@code job.schedule.pool} names with this
 * {@code pool}, and not all of {@code queue="none"}, which also holds work on other threads ({@code @Async},
 * HTTP-triggered).
 * <p>
 * A {@link ThreadPoolTaskScheduler} can run as many jobs at once as its pool size. A
 * {@link SimpleAsyncTaskScheduler} (Spring Boot's scheduler with virtual threads) runs each job on a thread of
 * its own, up to its concurrency limit: without one its capacity is {@code +Inf}, and saturation reads 0.
 *
 * @since 0.1.0
 */
public final class WorkerCapacityMeters implements SmartInitializingSingleton, BeanFactoryAware {

	private final Supplier<MeterRegistry> registry;

	private ListableBeanFactory beanFactory;

	/**
	 * Creates the meters' binder.
	 * @param registry supplies the registry to publish into
	 */
	public WorkerCapacityMeters(Supplier<MeterRegistry> registry) {
		this.registry = registry;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = (ListableBeanFactory) beanFactory;
	}

	@Override
	public void afterSingletonsInstantiated() {
		MeterRegistry meterRegistry = this.registry.get();
		this.beanFactory.getBeansOfType(ThreadPoolTaskScheduler.class, false, false)
			.forEach((name, scheduler) -> register(meterRegistry, name, scheduler));
		this.beanFactory.getBeansOfType(SimpleAsyncTaskScheduler.class, false, false)
			.forEach((name, scheduler) -> register(meterRegistry, name, scheduler));
	}

	private static void register(MeterRegistry registry, String pool, Object scheduler) {
		register(registry, pool, ScheduledJob.NONE, scheduler, WorkerCapacityMeters::capacity);
	}

	/**
	 * Registers the {@code job.worker.capacity} gauge of a pool of workers, such as a message listener
	 * container, whose capacity the given function reads from it at each publication.
	 * @param <T> the type of the pool
	 * @param registry the registry to publish into
	 * @param pool the pool's name, the {@code pool} tag (a bean name or listener id)
	 * @param queue the queue its workers take work from, the {@code queue} tag ({@code none} for none)
	 * @param source the pool, held strongly
	 * @param capacity reads how many runs the pool can work on at once
	 * @since 0.2.0
	 */
	// No base unit: Prometheus would append it to the name, and the capacity is a count of workers.
	public static <T> void register(MeterRegistry registry, String pool, String queue, T source,
			ToDoubleFunction<T> capacity) {
		// A registry that fails here costs this gauge, never the application's start-up.
		try {
			Gauge.builder("job.worker.capacity", source, capacity)
				.description("Runs the pool can work on at once; rate(job_worked_seconds_total) over it is saturation")
				.tags("pool", pool, "queue", queue.isEmpty() ? ScheduledJob.NONE : queue)
				.strongReference(true)
				.register(registry);
		}
		catch (RuntimeException | LinkageError ex) {
			MeteringFailures.log("register the worker capacity of pool '" + pool + "'", ex);
		}
	}

	static double capacity(Object scheduler) {
		if (scheduler instanceof ThreadPoolTaskScheduler pool) {
			// The core size is the pool's fixed size; getPoolSize() counts the threads started so far.
			try {
				return pool.getScheduledThreadPoolExecutor().getCorePoolSize();
			}
			catch (IllegalStateException notInitialized) {
				return pool.getPoolSize();
			}
		}
		int limit = ((SimpleAsyncTaskScheduler) scheduler).getConcurrencyLimit();
		return (limit < 0) ? Double.POSITIVE_INFINITY : limit;
	}

}
