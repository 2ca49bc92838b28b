package io.github.jobmetrics.internal;

import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The {@code job.worker.capacity} gauge ({@code job_worker_capacity}) of every pool of workers, whatever runs it
 * (a task scheduler, a listener container, a Quartz thread pool): how many runs it can work on at once, so that
 * {@code rate(job_worked_seconds_total)} over it is saturation. Tagged {@code pool} and {@code queue}. Internal to
 * job-metrics, not API.
 */
public final class WorkerCapacityGauges {

	private static final String NONE = "none";

	private WorkerCapacityGauges() {
	}

	/**
	 * Registers the capacity gauge of a pool, read from it by the given function at each publication. A registry
	 * that fails here costs this gauge, never the application's start-up: the failure is logged.
	 * @param <T> the type of the pool
	 * @param registry the registry to publish into
	 * @param pool the pool's name, the {@code pool} tag
	 * @param queue the queue its workers take work from, the {@code queue} tag (empty or {@code none} for none)
	 * @param source the pool, held strongly
	 * @param capacity reads how many runs the pool can work on at once
	 */
	// No base unit: Prometheus would append it to the name, and the capacity is a count of workers.
	public static <T> void register(MeterRegistry registry, String pool, String queue, T source,
			ToDoubleFunction<T> capacity) {
		try {
			Gauge.builder("job.worker.capacity", source, capacity)
				.description("Runs the pool can work on at once; rate(job_worked_seconds_total) over it is saturation")
				.tags("pool", pool, "queue", queue.isEmpty() ? NONE : queue)
				.strongReference(true)
				.register(registry);
		}
		catch (RuntimeException | LinkageError ex) {
			MeteringFailures.log("register the worker capacity of pool '" + pool + "'", ex);
		}
	}

}
