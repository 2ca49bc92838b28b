package io.github.jobmetrics.micrometer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;

import io.github.jobmetrics.JobRun;
import io.github.jobmetrics.JobTracer;
import io.github.jobmetrics.internal.MeteringFailures;
import io.github.jobmetrics.internal.PreparedJobs;
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
 * <tr><td>{@code job.executions} ({@code job_executions_total})</td><td>FunctionCounter</td>
 * <td>{@code result}</td><td>finished runs; result {@code success}, {@code failure}, {@code retry} or
 * {@code cancelled}, all four at 0 from when the job's meters are built</td></tr>
 * <tr><td>{@code job.exceptions} ({@code job_exceptions_total})</td><td>Counter</td>
 * <td>{@code result}, {@code exception}</td><td>failed runs by exception; result {@code failure} or
 * {@code retry}, exception the simple class name; built with the first run that fails with that type</td></tr>
 * <tr><td>{@code job.duration} ({@code job_duration_seconds})</td><td>Timer with histogram</td><td></td>
 * <td>duration of finished runs, all results; its {@code _max} is Micrometer's maximum over the last
 * {@code management.metrics.distribution.expiry} (2 minutes by default). With
 * {@link JobMeterSettings#withStripedDurationHistograms(boolean) striped histograms} the tracer also counts the
 * histogram itself ({@link #durationHistograms()}), for a registry that reads it instead of the timer</td></tr>
 * <tr><td>{@code job.inflight} ({@code job_inflight})</td><td>Gauge</td><td></td><td>runs in progress</td></tr>
 * <tr><td>{@code job.last.success.timestamp} ({@code job_last_success_timestamp_seconds})</td>
 * <td>Gauge</td><td></td><td>Unix time of the last success; before the first, the time the job's meters were
 * built (start-up for a registered job, else its first run), never NaN</td></tr>
 * <tr><td>{@code job.oldest.inflight.age} ({@code job_oldest_inflight_age_seconds})</td><td>Gauge</td>
 * <td></td><td>age of the longest-running run in progress, 0 when none</td></tr>
 * <tr><td>{@code job.metrics.label.overflow} ({@code job_metrics_label_overflow_total})</td><td>Counter</td>
 * <td>{@code label} only</td><td>runs whose job name, queue or exception was reported as {@code other} because
 * that label had reached its cap; one series per label, at 0 from when the tracer is built</td></tr>
 * </table>
 * <p>
 * A failed run increments both {@code job.executions} and {@code job.exceptions}. A run marked
 * {@link JobRun#skipped() skipped} (a lock held elsewhere kept it from its work) is in {@code job.inflight} while it
 * lasts and counts in no other meter. Meters of a job are built
 * on its first run, or ahead of it by {@link #register(String, String)} so that dashboards show 0 instead of
 * no data. A failure of the metrics code is logged and never reaches the job.
 * <p>
 * The distinct values of {@code job.name}, {@code queue} and {@code exception} are capped
 * ({@link JobMeterSettings#withMaxJobNames(int)} and its siblings): past a cap a new value is reported as
 * {@code other}, whose meters are those of one job shared by every folded name, so that its in-flight runs and
 * worked time stay exact. A job seen before is found in one map lookup if it has no queue and in two if it has
 * one, with caps or without.
 *
 * @since 0.3.0
 */
public final class MicrometerJobTracer implements JobTracer, PreparedJobs {

	private final MeterRegistry registry;

	private final JobMeterSettings settings;

	private final ConcurrentMap<String, ConcurrentMap<String, JobMeters>> jobs = new ConcurrentHashMap<>();

	// The meters of each job without a queue, by the caller's name: the common case, found in one lookup rather
	// than two. Holds only names admitted under the cap, never a folded one, so it is bounded as jobs is.
	private final ConcurrentMap<String, JobMeters> unqueued = new ConcurrentHashMap<>();

	private final LabelLimits limits;

	// Built once: the folded path looks up the meters of "other" on every run, and must not allocate a lambda.
	private final Function<String, ConcurrentMap<String, JobMeters>> newJob = (name) -> new ConcurrentHashMap<>();

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
		this.limits = new LabelLimits(registry, settings);
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * A registry that fails to build the meters is logged, as at a run, and does not fail the caller: the job's
	 * runs are then traced as far as the registry allows.
	 * @throws IllegalArgumentException if the job name is {@code null} or blank
	 */
	@Override
	public void register(String jobName, @Nullable String queue) {
		checkJobName(jobName);
		try {
			meters(jobName, queue, false);
		}
		catch (RuntimeException | LinkageError ex) {
			MeteringFailures.log("register the meters of job '" + jobName + "'", ex);
		}
	}

	@Override
	public JobRun start(String jobName, @Nullable String queue) {
		try {
			return meters(jobName, queue, true).start(TracedRunScope.isOpen());
		}
		catch (RuntimeException | LinkageError ex) {
			MeteringFailures.log("start a run of job '" + jobName + "'", ex);
			return JobRun.noop();
		}
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * For job-metrics' own call sites; a name or queue folded into {@code other} is not prepared.
	 * @throws IllegalArgumentException if the job name is {@code null} or blank
	 * @since 0.3.0
	 */
	@Override
	public PreparedJobs.@Nullable Job prepare(String jobName, @Nullable String queue) {
		checkJobName(jobName);
		JobMeters meters = meters(jobName, queue, false);
		return (meters.jobNameLabel().equals(jobName) && meters.queueLabel().equals(queueTag(queue))) ? meters : null;
	}

	/**
	 * Returns the {@code queue} label that this tracer's meters give a queue: the name itself, or {@code other} once
	 * the cap on distinct queue values ({@code JobMeterSettings.maxQueues()}) is reached by other names. For meters
	 * of the same queues published beside the tracer's (heartbeats), so that one cap bounds them all.
	 * @param queue the queue name, {@code null} or empty for none
	 * @return the label value
	 * @since 0.3.0
	 */
	public String queueLabel(@Nullable String queue) {
		return this.limits.queues().admit(queueTag(queue));
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

	/**
	 * Reads every job this tracer knows: its totals and its oldest runs in progress. For read-only views such
	 * as {@code /actuator/jobs}; it costs a walk of each job's runs in flight, so do not call it on a hot path.
	 * @param maxRunsPerJob the most runs in progress to list per job, oldest first (the others are only
	 * counted)
	 * @return one snapshot per job name and queue, ordered by job name, then queue
	 * @since 0.3.0
	 */
	public List<JobSnapshot> snapshot(int maxRunsPerJob) {
		if (maxRunsPerJob < 0) {
			throw new IllegalArgumentException("maxRunsPerJob must not be negative; got " + maxRunsPerJob);
		}
		List<JobSnapshot> snapshots = new ArrayList<>();
		for (ConcurrentMap<String, JobMeters> byQueue : this.jobs.values()) {
			for (JobMeters meters : byQueue.values()) {
				snapshots.add(meters.snapshot(maxRunsPerJob));
			}
		}
		snapshots.sort(Comparator.comparing(JobSnapshot::jobName).thenComparing(JobSnapshot::queue));
		return snapshots;
	}

	/**
	 * Returns the number of runs of all jobs in progress now, nested runs included: the sum of
	 * {@code job_inflight}.
	 * @return the runs in flight
	 * @since 0.3.0
	 */
	public int inFlightRuns() {
		int count = 0;
		for (ConcurrentMap<String, JobMeters> byQueue : this.jobs.values()) {
			for (JobMeters meters : byQueue.values()) {
				count += meters.inFlightRuns();
			}
		}
		return count;
	}

	/**
	 * Returns how long the oldest run in flight, of any job, has been running: a graceful stop waits for the runs
	 * that were in flight when it began, and not for those started since.
	 * @return the age of the oldest run in flight, or {@code null} if none is
	 * @since 0.3.0
	 */
	public @Nullable Duration oldestRunInFlight() {
		if (inFlightRuns() == 0) {
			return null;
		}
		double oldest = 0;
		for (ConcurrentMap<String, JobMeters> byQueue : this.jobs.values()) {
			for (JobMeters meters : byQueue.values()) {
				oldest = Math.max(oldest, meters.oldestInFlightAgeSeconds());
			}
		}
		return Duration.ofNanos((long) (oldest * 1e9));
	}

	/**
	 * Returns how long ago, on the registry's clock, the last run of any job ended: after that long, a scraper
	 * that reads the meters at least as often has seen every finished run.
	 * @return the time since the last end, or {@code null} if no run has ended yet
	 * @since 0.3.0
	 */
	public @Nullable Duration sinceLastRunEnded() {
		long last = Long.MIN_VALUE;
		for (ConcurrentMap<String, JobMeters> byQueue : this.jobs.values()) {
			for (JobMeters meters : byQueue.values()) {
				last = Math.max(last, meters.lastEndNanos());
			}
		}
		if (last == Long.MIN_VALUE) {
			return null;
		}
		return Duration.ofNanos(Math.max(0, this.registry.config().clock().monotonicTime() - last));
	}

	/**
	 * Returns whether this tracer counts each job's duration histogram itself
	 * ({@link JobMeterSettings#withStripedDurationHistograms(boolean)}).
	 * @return {@code true} if {@link #durationHistograms()} reads them
	 * @since 0.3.0
	 */
	public boolean countsDurationHistograms() {
		return this.settings.stripedDurationHistograms();
	}

	/**
	 * Reads the duration histogram of every job, when this tracer counts them itself
	 * ({@link JobMeterSettings#withStripedDurationHistograms(boolean)}): for a reader that exposes
	 * {@code job_duration_seconds} from them rather than from the {@code job.duration} timer (job-metrics'
	 * Prometheus collector). Each job's stripes are read under their locks, once per job.
	 * @return one histogram per job name and queue, in no particular order; empty if the tracer counts none
	 * @since 0.3.0
	 */
	public List<JobDurationHistogram> durationHistograms() {
		List<JobDurationHistogram> histograms = new ArrayList<>();
		if (!countsDurationHistograms()) {
			return histograms;
		}
		for (ConcurrentMap<String, JobMeters> byQueue : this.jobs.values()) {
			for (JobMeters meters : byQueue.values()) {
				JobDurationHistogram histogram = meters.durationHistogram();
				if (histogram != null) {
					histograms.add(histogram);
				}
			}
		}
		return histograms;
	}

	// For tests: how many stripes the job's state has split into, 0 for a job that never ran.
	int stripes(String jobName, @Nullable String queue) {
		ConcurrentMap<String, JobMeters> byQueue = this.jobs.get(jobName);
		JobMeters meters = (byQueue != null) ? byQueue.get(queueTag(queue)) : null;
		return (meters != null) ? meters.stripes() : 0;
	}

	private static void checkJobName(String jobName) {
		if (jobName == null || jobName.isBlank()) {
			throw new IllegalArgumentException("A job name is required; got '" + jobName + "'");
		}
	}

	// Lookups by the caller's own strings, so that the hot path builds no composite key: one for a job without a
	// queue, two for one with a queue. Only a name or queue not seen before goes past them, to be checked, then
	// admitted under its cap or folded into "other"; a folded name is not remembered, so that a stream of new
	// names costs no memory, and finds the meters of "other" in two lookups. A known job's runs do not scan its
	// name again.
	private JobMeters meters(String jobName, @Nullable String queue, boolean run) {
		boolean noQueue = queue == null || queue.isEmpty();
		if (noQueue && jobName != null) {
			JobMeters meters = this.unqueued.get(jobName);
			if (meters != null) {
				return meters;
			}
		}
		String name = jobName;
		String queueTag = queueTag(queue);
		ConcurrentMap<String, JobMeters> byQueue = (name != null) ? this.jobs.get(name) : null;
		if (byQueue == null) {
			checkJobName(jobName);
			name = this.limits.jobNames().admit(name);
			if (run && name == LabelLimits.OTHER && !jobName.equals(LabelLimits.OTHER)) {
				this.limits.jobNames().folded();
			}
			byQueue = this.jobs.computeIfAbsent(name, this.newJob);
		}
		JobMeters meters = byQueue.get(queueTag);
		if (meters == null) {
			String admitted = this.limits.queues().admit(queueTag);
			if (run && admitted == LabelLimits.OTHER && !queueTag.equals(LabelLimits.OTHER)) {
				this.limits.queues().folded();
			}
			meters = byQueue.get(admitted);
			if (meters == null) {
				String meterName = name;
				meters = byQueue.computeIfAbsent(admitted,
						(key) -> new JobMeters(this.registry, meterName, key, this.settings, this.limits));
			}
		}
		if (noQueue && name.equals(jobName)) {
			this.unqueued.putIfAbsent(jobName, meters);
		}
		return meters;
	}

	private static String queueTag(@Nullable String queue) {
		return (queue == null || queue.isEmpty()) ? JobMeters.NONE : queue;
	}

}
