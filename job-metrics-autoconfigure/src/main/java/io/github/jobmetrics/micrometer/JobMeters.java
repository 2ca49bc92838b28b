package io.github.jobmetrics.micrometer;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

import io.github.jobmetrics.internal.MeteringFailures;
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
 * allocates nothing but its {@link TrackedRun}. Counters of failed runs are built on the first failure with
 * each exception type.
 */
final class JobMeters {

	static final String JOB_NAME = "job.name";

	static final String QUEUE = "queue";

	static final String RESULT = "result";

	static final String EXCEPTION = "exception";

	static final String NONE = "none";

	private static final String SECONDS = "seconds";

	private final MeterRegistry registry;

	private final Clock clock;

	private final Tags tags;

	private final JobMeterSettings settings;

	private final InFlightRuns inFlight;

	private final Timer duration;

	private final Counter successes;

	private final ConcurrentMap<Class<?>, Counter> failures = new ConcurrentHashMap<>();

	private final ConcurrentMap<Class<?>, Counter> retries = new ConcurrentHashMap<>();

	private volatile double lastSuccessEpochSeconds = Double.NaN;

	JobMeters(MeterRegistry registry, String jobName, String queue, JobMeterSettings settings) {
		this.registry = registry;
		this.clock = registry.config().clock();
		this.settings = settings;
		this.tags = Tags.of(JOB_NAME, jobName, QUEUE, queue).and(settings.extraTagsFor(jobName));
		this.inFlight = new InFlightRuns(this.clock);
		FunctionCounter.builder("job.worked", this.inFlight, InFlightRuns::workedSeconds)
			.description("Seconds spent working, including the elapsed part of runs still in progress")
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
			.description("Unix time of the last successful end of a run, NaN until the first")
			.baseUnit(SECONDS)
			.tags(this.tags)
			.strongReference(true)
			.register(registry);
		this.duration = Timer.builder("job.duration")
			.description("Duration of finished runs, whatever their result")
			.tags(this.tags)
			.serviceLevelObjectives(settings.bucketsFor(jobName).toArray(Duration[]::new))
			.register(registry);
		this.successes = executions("success", NONE);
	}

	TrackedRun start() {
		TrackedRun run = new TrackedRun(this);
		this.inFlight.add(run);
		return run;
	}

	void end(TrackedRun run, @Nullable Throwable failure, boolean retry) {
		long nanos = this.inFlight.remove(run);
		if (nanos < 0) {
			return;
		}
		try {
			this.duration.record(nanos, TimeUnit.NANOSECONDS);
			if (failure == null) {
				this.successes.increment();
				this.lastSuccessEpochSeconds = this.clock.wallTime() / 1e3;
			}
			else {
				failureCounter(retry ? this.retries : this.failures, retry, failure.getClass()).increment();
			}
		}
		catch (RuntimeException | LinkageError ex) {
			MeteringFailures.log("record the end of a run of " + this.tags, ex);
		}
	}

	boolean isRetryable(Throwable failure) {
		return this.settings.isRetryable(failure);
	}

	private Counter failureCounter(ConcurrentMap<Class<?>, Counter> counters, boolean retry, Class<?> type) {
		Counter counter = counters.get(type);
		if (counter == null) {
			counter = counters.computeIfAbsent(type,
					(key) -> executions(retry ? "retry" : "failure", exceptionName(key)));
		}
		return counter;
	}

	private Counter executions(String result, String exception) {
		return Counter.builder("job.executions")
			.description("Finished runs by result: success, failure, or retry (a failed attempt that is tried again)")
			.tags(this.tags)
			.tag(RESULT, result)
			.tag(EXCEPTION, exception)
			.register(this.registry);
	}

	private static String exceptionName(Class<?> type) {
		String simpleName = type.getSimpleName();
		return simpleName.isEmpty() ? type.getName() : simpleName;
	}

	private double lastSuccessEpochSeconds() {
		return this.lastSuccessEpochSeconds;
	}

	double workedSeconds() {
		return this.inFlight.workedSeconds();
	}

}
