package io.github.jobmetrics.internal;

import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The {@code job.worker.capacity} gauge ({@code job_worker_capacity}) of one pool of workers: how many runs it can
 * work on at once, read from the pool at each publication, tagged {@code pool} and {@code queue}. Shared by every
 * integration that runs work on a pool (schedulers, listener containers), so that none depends on another.
 */
public final class WorkerCapacityGauge {

	private static final String NONE = "none";

	private WorkerCapacityGauge() {
	}

	/**
	 * Registers the gauge of a pool; a registry that fails here costs this gauge, never the application's start-up.
	 * @param <T> the type of the pool
	 * @param registry the registry to publish into
	 * @param pool the pool's name, the {@code pool} tag (a bean name or listener id)
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
