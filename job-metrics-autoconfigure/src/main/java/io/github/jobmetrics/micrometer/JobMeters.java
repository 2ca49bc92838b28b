package io.github.jobmetrics.micrometer;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

import io.github.jobmetrics.internal.MeteringFailures;
import io.github.jobmetrics.internal.PreparedJobs;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;

/**
 * The meters of one job (one job name and queue), built once and reused by every run, so that a run
 * allocates nothing but its {@link TrackedRun}. The four {@code job.executions} series are built with the
 * others, so that each exists at 0 from the start and the first failure is an increase; they read the counts
 * that {@link InFlightRuns} keeps under the lock an end takes anyway, so an end updates no counter of its own. The
 * {@code job.exceptions} counter of each result and exception type is built on its first occurrence and
 * cached.
 */
final class JobMeters implements PreparedJobs.Job {

	static final String JOB_NAME = "job.name";

	static final String QUEUE = "queue";

	static final String RESULT = "result";

	static final String EXCEPTION = "exception";

	static final String NONE = "none";

	private static final String SECONDS = "seconds";

	// The unit of each count is its own name, so that Prometheus, which appends a base unit the name does not
	// already end with, keeps job_executions_total and job_exceptions_total.
	private static final String EXECUTIONS = "executions";

	private static final String EXCEPTIONS = "exceptions";

	private final MeterRegistry registry;

	private final Tags tags;

	private final JobMeterSettings settings;

	private final String jobName;

	private final InFlightRuns inFlight;

	// The bounds the stripes count with, in seconds, converted once rather than at every read of the histogram;
	// empty when the stripes count none.
	private final double[] upperBoundsSeconds;

	private final Timer duration;

	private final LabelLimits limits;

	private final Clock clock;

	// By exception type, the counter of its name, or of "other" once the exception label reached its cap.
	private final ConcurrentMap<Class<?>, ExceptionCounter> failureExceptions = new ConcurrentHashMap<>();

	private final ConcurrentMap<Class<?>, ExceptionCounter> retryExceptions = new ConcurrentHashMap<>();

	private final String queue;

	// The instant these meters were built (start-up for a registered job): until the first success, the gauge
	// of the last success reads it, so a job that never succeeded since then ages from there, a staleness alert
	// fires for it once its threshold has passed, and a restart does not make it fire. A number, never NaN,
	// which some push backends drop.
	private final double createdEpochSeconds;

	private volatile @Nullable QueueMeters queueMeters;

	JobMeters(MeterRegistry registry, String jobName, String queue, JobMeterSettings settings, LabelLimits limits) {
		this.registry = registry;
		this.limits = limits;
		this.clock = registry.config().clock();
		this.settings = settings;
		this.jobName = jobName;
		this.tags = Tags.of(JOB_NAME, jobName, QUEUE, queue).and(settings.extraTagsFor(jobName));
		List<Duration> buckets = settings.bucketsFor(jobName);
		long @Nullable [] boundsNanos = settings.stripedDurationHistograms()
				? buckets.stream().mapToLong(Duration::toNanos).toArray() : null;
		this.inFlight = new InFlightRuns(this.clock, boundsNanos);
		this.upperBoundsSeconds = (boundsNanos != null)
				? Arrays.stream(boundsNanos).mapToDouble((bound) -> bound / 1e9).toArray() : new double[0];
		this.queue = queue;
		this.createdEpochSeconds = this.clock.wallTime() / 1e3;
		FunctionCounter.builder("job.worked", this.inFlight, InFlightRuns::workedSeconds)
			.description("Seconds spent working, including the elapsed part of runs still in progress; "
					+ "a run nested in another traced run on its thread adds nothing")
			.baseUnit(SECONDS)
			.tags(this.tags)
			.register(registry);
		Gauge.builder("job.inflight", this.inFlight, InFlightRuns::count)
			.description("Runs in progress")
			.tags(this.tags)
			.strongReference(true)
			.register(registry);
		Gauge.builder("job.oldest.inflight.age", this.inFlight, InFlightRuns::oldestAgeSeconds)
			.description("Age of the longest-running run in progress, 0 when none")
			.baseUnit(SECONDS)
			.tags(this.tags)
			.strongReference(true)
			.register(registry);
		Gauge.builder("job.last.success.timestamp", this, JobMeters::lastSuccessEpochSeconds)
			.description("Unix time of the last successful end of a run; before the first, the time the job's "
					+ "meters were created (start-up for a registered job)")
			.baseUnit(SECONDS)
			.tags(this.tags)
			.strongReference(true)
			.register(registry);
		this.duration = Timer.builder("job.duration")
			.description("Duration of finished runs, whatever their result")
			.tags(this.tags)
			.serviceLevelObjectives(buckets.toArray(Duration[]::new))
			.register(registry);
		executions("success", InFlightRuns::successes);
		executions("failure", InFlightRuns::failures);
		executions("retry", InFlightRuns::retries);
		executions("cancelled", InFlightRuns::cancellations);
	}

	@Override
	public TrackedRun start(boolean nested) {
		return this.inFlight.start(this, !nested);
	}

	// A skipped run leaves no trace but the in-flight gauges it was in while it ran: no execution and no duration,
	// so that job_executions_total keeps summing to job_duration_seconds_count.
	void end(TrackedRun run, @Nullable Throwable failure, boolean retry, boolean cancelled, boolean skipped) {
		int result = skipped ? InFlightRuns.SKIPPED : cancelled ? InFlightRuns.CANCELLED
				: (failure == null) ? InFlightRuns.SUCCESS : retry ? InFlightRuns.RETRY : InFlightRuns.FAILURE;
		long nanos = this.inFlight.remove(run, result);
		if (nanos < 0 || skipped) {
			return;
		}
		try {
			this.duration.record(nanos, TimeUnit.NANOSECONDS);
			if (failure != null && !cancelled) {
				ExceptionCounter exception = exceptions(retry, failure.getClass());
				exception.counter().increment();
				if (exception.folded()) {
					this.limits.exceptionNames().folded();
				}
			}
		}
		catch (RuntimeException | LinkageError ex) {
			MeteringFailures.log("record the end of a run of " + this.tags, ex);
		}
	}

	// The wait ends when the run started: the clock's elapsed time since then is taken off the wall time now.
	void enqueued(TrackedRun run, long enqueuedMillis) {
		try {
			long startedMillis = this.clock.wallTime()
					- Math.max(0, TimeUnit.NANOSECONDS.toMillis(this.clock.monotonicTime() - run.startNanos));
			queueMeters(enqueuedMillis).record(enqueuedMillis, startedMillis - enqueuedMillis);
		}
		catch (RuntimeException | LinkageError ex) {
			MeteringFailures.log("record the queue wait of a run of " + this.tags, ex);
		}
	}

	private QueueMeters queueMeters(long firstEnqueuedMillis) {
		QueueMeters meters = this.queueMeters;
		if (meters == null) {
			synchronized (this) {
				meters = this.queueMeters;
				if (meters == null) {
					meters = new QueueMeters(this.registry, this.tags,
							this.settings.queueWaitBucketsFor(this.jobName).toArray(Duration[]::new),
							firstEnqueuedMillis);
					this.queueMeters = meters;
				}
			}
		}
		return meters;
	}

	boolean isRetryable(Throwable failure) {
		return this.settings.isRetryable(failure);
	}

	private ExceptionCounter exceptions(boolean retry, Class<?> type) {
		ConcurrentMap<Class<?>, ExceptionCounter> counters = retry ? this.retryExceptions : this.failureExceptions;
		ExceptionCounter counter = counters.get(type);
		if (counter == null) {
			counter = counters.computeIfAbsent(type, (key) -> {
				String name = exceptionName(key);
				String admitted = this.limits.exceptionNames().admit(name);
				Counter exceptions = Counter.builder("job.exceptions")
					.description("Failed runs by result (failure or retry) and exception type")
					.baseUnit(EXCEPTIONS)
					.tags(this.tags)
					.tag(RESULT, retry ? "retry" : "failure")
					.tag(EXCEPTION, admitted)
					.register(this.registry);
				return new ExceptionCounter(exceptions, admitted, !admitted.equals(name));
			});
		}
		return counter;
	}

	// The exception label a failure of this type was counted under, for the span of the run (LabeledRun): read
	// from the counter its end built or found, so that it allocates nothing and admits nothing new. Null if
	// the end recorded no counter (its registry failed).
	@Nullable String exceptionLabel(boolean retry, Class<?> type) {
		ExceptionCounter counter = (retry ? this.retryExceptions : this.failureExceptions).get(type);
		return (counter != null) ? counter.label() : null;
	}

	String jobNameLabel() {
		return this.jobName;
	}

	String queueLabel() {
		return this.queue;
	}

	private record ExceptionCounter(Counter counter, String label, boolean folded) {
	}

	// A count kept by the stripes (see InFlightRuns.successes): the Prometheus output is that of a counter.
	private void executions(String result, ToDoubleFunction<InFlightRuns> count) {
		FunctionCounter.builder("job.executions", this.inFlight, count)
			.description("Finished runs by result: success, failure, retry (a failed attempt that is tried again), "
					+ "or cancelled")
			.baseUnit(EXECUTIONS)
			.tags(this.tags)
			.tag(RESULT, result)
			.register(this.registry);
	}

	private static String exceptionName(Class<?> type) {
		String simpleName = type.getSimpleName();
		return simpleName.isEmpty() ? type.getName() : simpleName;
	}

	private double lastSuccessEpochSeconds() {
		long millis = this.inFlight.lastSuccessWallMillis();
		return (millis != InFlightRuns.NO_SUCCESS) ? millis / 1e3 : this.createdEpochSeconds;
	}

	/**
	 * Reads the job's totals and its oldest runs in progress. The visit of the runs in flight copies the references
	 * of each stripe's runs under its lock and walks them after it, keeping at most {@code maxRuns}: O(runs in
	 * flight), on the reader's thread, without holding up the job's starts and ends.
	 */
	JobSnapshot snapshot(int maxRuns) {
		Map<String, Long> runsByResult = new LinkedHashMap<>();
		runsByResult.put("success", this.inFlight.successes());
		runsByResult.put("failure", this.inFlight.failures());
		runsByResult.put("retry", this.inFlight.retries());
		runsByResult.put("cancelled", this.inFlight.cancellations());
		// Reading the visited runs after the lock is safe: startNanos is written under the same lock before the run
		// is linked, and neither it nor threadName changes afterwards.
		List<TrackedRun> oldest = new ArrayList<>(Math.min(maxRuns, 16));
		int[] seen = new int[1];
		long visitNanos = this.inFlight.forEach((run) -> {
			if (seen[0]++ < maxRuns) {
				oldest.add(run);
			}
		});
		long wallMillis = this.clock.wallTime();
		List<JobSnapshot.RunInFlight> runs = new ArrayList<>(oldest.size());
		for (TrackedRun run : oldest) {
			Duration elapsed = Duration.ofNanos(Math.max(0, visitNanos - run.startNanos));
			runs.add(new JobSnapshot.RunInFlight(run.threadName, Instant.ofEpochMilli(wallMillis).minus(elapsed),
					elapsed));
		}
		long lastSuccessMillis = this.inFlight.lastSuccessWallMillis();
		Instant lastSuccessInstant = (lastSuccessMillis != InFlightRuns.NO_SUCCESS)
				? Instant.ofEpochMilli(lastSuccessMillis) : null;
		return new JobSnapshot(this.jobName, this.queue, runsByResult, workedSeconds(), lastSuccessInstant, seen[0],
				runs);
	}

	double workedSeconds() {
		return this.inFlight.workedSeconds();
	}

	// The duration histogram the stripes count, or null if they count none.
	@Nullable JobDurationHistogram durationHistogram() {
		InFlightRuns.DurationHistogram histogram = this.inFlight.durationHistogram();
		if (histogram == null) {
			return null;
		}
		return new JobDurationHistogram(this.jobName, this.queue, this.tags, this.upperBoundsSeconds,
				histogram.counts(), histogram.sumNanos() / 1e9, histogram.maxNanos() / 1e9);
	}

	double oldestInFlightAgeSeconds() {
		return this.inFlight.oldestAgeSeconds();
	}

	// For a run whose work spreads over threads (TrackedRun's SpreadRun side).
	InFlightRuns inFlight() {
		return this.inFlight;
	}

	int inFlightRuns() {
		return this.inFlight.count();
	}

	long lastEndNanos() {
		return this.inFlight.lastEndNanos();
	}

	int stripes() {
		return this.inFlight.stripes();
	}

}
