package io.github.jobmetrics.scheduling;

import java.util.function.Supplier;

import io.github.jobmetrics.internal.BeanPoolCapacityMeters;
import io.micrometer.core.instrument.MeterRegistry;

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
 * @since 0.3.0
 */
public final class WorkerCapacityMeters extends BeanPoolCapacityMeters {

	/**
	 * Creates the meters' binder.
	 * @param registry supplies the registry to publish into
	 */
	public WorkerCapacityMeters(Supplier<MeterRegistry> registry) {
		super(registry);
	}

	@Override
	protected void registerPools() {
		register(ThreadPoolTaskScheduler.class, ScheduledJob.NONE, WorkerCapacityMeters::capacity);
		register(SimpleAsyncTaskScheduler.class, ScheduledJob.NONE, WorkerCapacityMeters::capacity);
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
