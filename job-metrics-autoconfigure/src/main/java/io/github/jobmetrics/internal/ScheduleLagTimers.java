package io.github.jobmetrics.internal;

import java.time.Duration;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The {@code job.schedule.lag} timer ({@code job_schedule_lag_seconds}) of every integration whose jobs run on a
 * schedule (Spring's {@code @Scheduled}, Quartz triggers): how late each run started against the time its schedule
 * planned, tagged {@code job.name} and {@code queue}. One definition, so that the series of every scheduler share
 * one name, description, tag keys and buckets, which Prometheus requires of one metric family. Internal to
 * job-metrics, not API.
 */
public final class ScheduleLagTimers {

	/**
	 * The service-level buckets of the timer, from 1 ms to 10 minutes.
	 */
	public static final List<Duration> BUCKETS = List.of(Duration.ofMillis(1), Duration.ofMillis(5),
			Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(500),
			Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
			Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(10));

	private static final Duration[] BUCKET_ARRAY = BUCKETS.toArray(Duration[]::new);

	private ScheduleLagTimers() {
	}

	/**
	 * Registers, or finds, the schedule lag timer of a job.
	 * @param registry the registry to publish into
	 * @param jobName the {@code job.name} tag, already under its cap
	 * @param queue the {@code queue} tag, {@code none} for none
	 * @return the timer
	 */
	public static Timer register(MeterRegistry registry, String jobName, String queue) {
		return Timer.builder("job.schedule.lag")
			.description("How late runs of a scheduled job started, against the time their schedule planned")
			.tags("job.name", jobName, "queue", queue)
			.serviceLevelObjectives(BUCKET_ARRAY)
			.register(registry);
	}

}
