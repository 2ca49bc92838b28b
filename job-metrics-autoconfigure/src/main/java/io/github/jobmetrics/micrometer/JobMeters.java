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
 * allocates nothing but its {@link TrackedRun}. The three {@code job.executions} series are built with the
 * others, so that each exists at 0 from the start and the first failure is an increase; the
 * {@code job.exceptions} counter of each result and exception type is built on its first occurrence and
 * cached.
 */
final class JobMeters {

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

	private final InFlightRuns inFlight;

	private final Timer duration;

	private final Counter successes;

	private final Counter cancellations;

	private final Counter failures;

	private final Counter retries;

	private final ConcurrentMap<Class<?>, Counter> failureExceptions = new ConcurrentHashMap<>();

	private final ConcurrentMap<Class<?>, Counter> retryExceptions = new ConcurrentHashMap<>();

	// Until the first success, job.last.success.timestamp reads the instant these meters were built (start-up
	// for a registered job): a job that never succeeded since then ages from there, so a staleness alert fires
	// for it once its threshold has passed, and a restart does not make it fire. A number, never NaN, which some
	// push backends drop. Successes themselves are remembered by the stripes of inFlight, under the lock an end
	// takes anyway, so that threads ending runs at once do not all write one shared field.
	private final double builtEpochSeconds;

	JobMeters(MeterRegistry registry, String jobName, String queue, JobMeterSettings settings) {
		this.registry = registry;
		Clock clock = registry.config().clock();
		this.settings = settings;
		this.tags = Tags.of(JOB_NAME, jobName, QUEUE, queue).and(settings.extraTagsFor(jobName));
		this.inFlight = new InFlightRuns(clock);
		this.builtEpochSeconds = clock.wallTime() / 1e3;
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
			.serviceLevelObjectives(settings.bucketsFor(jobName).toArray(Duration[]::new))
			.register(registry);
		this.successes = executions("success");
		this.failures = executions("failure");
		this.retries = executions("retry");
		this.cancellations = executions("cancelled");
	}

	TrackedRun start(boolean nested) {
		return this.inFlight.start(this, !nested);
	}

	void end(TrackedRun run, @Nullable Throwable failure, boolean retry, boolean cancelled) {
		long nanos = this.inFlight.remove(run, !cancelled && failure == null);
		if (nanos < 0) {
			return;
		}
		try {
			this.duration.record(nanos, TimeUnit.NANOSECONDS);
			if (cancelled) {
				this.cancellations.increment();
			}
			else if (failure == null) {
				this.successes.increment();
			}
			else {
				(retry ? this.retries : this.failures).increment();
				exceptions(retry, failure.getClass()).increment();
			}
		}
		catch (RuntimeException | LinkageError ex) {
			MeteringFailures.log("record the end of a run of " + this.tags, ex);
		}
	}

	boolean isRetryable(Throwable failure) {
		return this.settings.isRetryable(failure);
	}

	private Counter exceptions(boolean retry, Class<?> type) {
		ConcurrentMap<Class<?>, Counter> counters = retry ? this.retryExceptions : this.failureExceptions;
		Counter counter = counters.get(type);
		if (counter == null) {
			counter = counters.computeIfAbsent(type, (key) -> Counter.builder("job.exceptions")
				.description("Failed runs by result (failure or retry) and exception type")
				.baseUnit(EXCEPTIONS)
				.tags(this.tags)
				.tag(RESULT, retry ? "retry" : "failure")
				.tag(EXCEPTION, exceptionName(key))
				.register(this.registry));
		}
		return counter;
	}

	private Counter executions(String result) {
		return Counter.builder("job.executions")
			.description("Finished runs by result: success, failure, or retry (a failed attempt that is tried again)")
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
		return (millis != InFlightRuns.NO_SUCCESS) ? millis / 1e3 : this.builtEpochSeconds;
	}

	double workedSeconds() {
		return this.inFlight.workedSeconds();
	}

	int stripes() {
		return this.inFlight.stripes();
	}

}
