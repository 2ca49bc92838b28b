package io.github.jobmetrics.micrometer;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import io.github.jobmetrics.JobRun;
import io.github.jobmetrics.JobTracer;
import io.github.jobmetrics.internal.MeteringFailures;
import io.github.jobmetrics.internal.TracedRunScope;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;

/**
 * A {@link JobTracer} that records runs as Micrometer meters in one registry (with Spring Boot, the
 * composite of all configured registries, so every one of them reads the same values and none counts twice).
 * <p>
 * Meters, each tagged {@code job.name} and {@code queue} (Prometheus labels {@code job_name} and
 * {@code queue}) plus any extra tags configured for the job:
 * <table>
 * <caption>Meters</caption>
 * <tr><th>Name (Prometheus)</th><th>Type</th><th>Extra tags</th><th>Meaning</th></tr>
 * <tr><td>{@code job.worked} ({@code job_worked_seconds_total})</td><td>FunctionCounter</td><td></td>
 * <td>seconds spent working, including the elapsed part of runs in progress when it is read; a run started
 * inside the body of another traced run on the same thread adds nothing, so each thread counts once</td></tr>
 * <tr><td>{@code job.executions} ({@code job_executions_total})</td><td>Counter</td>
 * <td>{@code result}</td><td>finished runs; result {@code success}, {@code failure} or {@code retry}, all
 * three at 0 from when the job's meters are built</td></tr>
 * <tr><td>{@code job.exceptions} ({@code job_exceptions_total})</td><td>Counter</td>
 * <td>{@code result}, {@code exception}</td><td>failed runs by exception; result {@code failure} or
 * {@code retry}, exception the simple class name; built with the first run that fails with that type</td></tr>
 * <tr><td>{@code job.duration} ({@code job_duration_seconds})</td><td>Timer with histogram</td><td></td>
 * <td>duration of finished runs, all results; its {@code _max} is Micrometer's maximum over the last
 * {@code management.metrics.distribution.expiry} (2 minutes by default)</td></tr>
 * <tr><td>{@code job.inflight} ({@code job_inflight})</td><td>Gauge</td><td></td><td>runs in progress</td></tr>
 * <tr><td>{@code job.last.success.timestamp} ({@code job_last_success_timestamp_seconds})</td>
 * <td>Gauge</td><td></td><td>Unix time of the last success; before the first, the time the job's meters were
 * built (start-up for a registered job, else its first run), never NaN</td></tr>
 * <tr><td>{@code job.oldest.inflight.age} ({@code job_oldest_inflight_age_seconds})</td><td>Gauge</td>
 * <td></td><td>age of the longest-running run in progress, 0 when none</td></tr>
 * </table>
 * <p>
 * A failed run increments both {@code job.executions} and {@code job.exceptions}. Meters of a job are built
 * on its first run, or ahead of it by {@link #register(String, String)} so that dashboards show 0 instead of
 * no data. A failure of the metrics code is logged and never reaches the job.
 *
 * @since 0.1.0
 */
public final class MicrometerJobTracer implements JobTracer {

	private final MeterRegistry registry;

	private final JobMeterSettings settings;

	private final ConcurrentMap<String, ConcurrentMap<String, JobMeters>> jobs = new ConcurrentHashMap<>();

	/**
	 * Creates a tracer with {@link JobMeterSettings#defaults() default settings}.
	 * @param registry the registry to record into
	 */
	public MicrometerJobTracer(MeterRegistry registry) {
		this(registry, JobMeterSettings.defaults());
	}

	/**
	 * Creates a tracer.
	 * @param registry the registry to record into
	 * @param settings how to build the meters of each job
	 */
	public MicrometerJobTracer(MeterRegistry registry, JobMeterSettings settings) {
		this.registry = registry;
		this.settings = settings;
	}

	@Override
	public void register(String jobName, @Nullable String queue) {
		meters(jobName, queue);
	}

	@Override
	public JobRun start(String jobName, @Nullable String queue) {
		try {
			return meters(jobName, queue).start(TracedRunScope.isOpen());
		}
		catch (RuntimeException | LinkageError ex) {
			MeteringFailures.log("start a run of job '" + jobName + "'", ex);
			return JobRun.noop();
		}
	}

	/**
	 * Returns the seconds worked so far by the given job, including the elapsed part of runs in progress:
	 * the value {@code job_worked_seconds_total} would show if read now.
	 * @param jobName the job name
	 * @param queue the queue, or {@code null} for none
	 * @return the seconds worked, 0 for a job that never ran
	 */
	public double workedSeconds(String jobName, @Nullable String queue) {
		ConcurrentMap<String, JobMeters> byQueue = this.jobs.get(jobName);
		JobMeters meters = (byQueue != null) ? byQueue.get(queueTag(queue)) : null;
		return (meters != null) ? meters.workedSeconds() : 0;
	}

	// For tests: how many stripes the job's state has split into, 0 for a job that never ran.
	int stripes(String jobName, @Nullable String queue) {
		ConcurrentMap<String, JobMeters> byQueue = this.jobs.get(jobName);
		JobMeters meters = (byQueue != null) ? byQueue.get(queueTag(queue)) : null;
		return (meters != null) ? meters.stripes() : 0;
	}

	// Two lookups by the caller's own strings, so that the hot path builds no composite key. The name is checked
	// before a job is added, so that a known job's runs do not scan its name each time.
	private JobMeters meters(String jobName, @Nullable String queue) {
		if (jobName == null) {
			throw new IllegalArgumentException("A job name is required; got 'null'");
		}
		String queueTag = queueTag(queue);
		ConcurrentMap<String, JobMeters> byQueue = this.jobs.get(jobName);
		if (byQueue == null) {
			if (jobName.isBlank()) {
				throw new IllegalArgumentException("A job name is required; got '" + jobName + "'");
			}
			byQueue = this.jobs.computeIfAbsent(jobName, (name) -> new ConcurrentHashMap<>());
		}
		JobMeters meters = byQueue.get(queueTag);
		if (meters == null) {
			meters = byQueue.computeIfAbsent(queueTag,
					(key) -> new JobMeters(this.registry, jobName, key, this.settings));
		}
		return meters;
	}

	private static String queueTag(@Nullable String queue) {
		return (queue == null || queue.isEmpty()) ? JobMeters.NONE : queue;
	}

}
