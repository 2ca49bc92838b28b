package io.github.jobmetrics.internal;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The {@code job.schedule.pool} gauge ({@code job_schedule_pool}) of every integration whose jobs a scheduler runs
 * on a pool of its own ({@code @Scheduled} on a task scheduler, Quartz jobs on a scheduler's thread pool): 1 for each
 * job, tagged {@code job.name}, {@code queue} and the {@code pool} that runs it, so that saturation joins a job's
 * {@code job_worked_seconds_total} to that pool's {@code job_worker_capacity}. One definition, so that the series of
 * every scheduler share one name, description and tag keys. Internal to job-metrics, not API.
 */
public final class SchedulePoolGauges {

	private SchedulePoolGauges() {
	}

	/**
	 * Registers the gauge of a job and the pool that runs it.
	 * @param registry the registry to publish into
	 * @param jobName the {@code job.name} tag, already under its cap
	 * @param queue the {@code queue} tag, {@code none} for none
	 * @param pool the {@code pool} tag, as the pool's {@code job.worker.capacity} names it
	 */
	public static void register(MeterRegistry registry, String jobName, String queue, String pool) {
		Gauge.builder("job.schedule.pool", () -> 1)
			.description("1 for each scheduled job, tagged with the scheduler pool that runs it: joins its "
					+ "job_worked_seconds_total to that pool's job_worker_capacity")
			.tags("job.name", jobName, "queue", queue, "pool", pool)
			.register(registry);
	}

}
