package io.github.jobmetrics.observation;

import java.util.function.Predicate;

import io.github.jobmetrics.JobRun;
import io.github.jobmetrics.JobTracer;
import io.github.jobmetrics.internal.LabeledRun;
import io.github.jobmetrics.internal.MeteringFailures;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

/**
 * A {@link JobTracer} that makes each run of another tracer also an {@link Observation} (named {@code job.run} by
 * {@link DefaultJobRunObservationConvention}), so that with micrometer-tracing every run is one span.
 * <p>
 * The Observation starts with the run, as a child of the Observation current on the calling thread (an incoming
 * message's, a scheduled task's), and stops when the run ends: for a job that returns a stage or a publisher, when
 * that completes, not when the method returns. It is current on the calling thread while the body of a
 * {@code @TracedJob} method or of {@link #trace(String, String, Runnable) trace(...)} runs, so that what the job
 * starts there becomes its child, and again while the run's meters are recorded at its end, so that
 * {@code job_duration_seconds} can carry the span's trace id as an exemplar. An error is set on it when the run
 * fails or is retried. A failure of the Observation is logged and never reaches the job nor its meters.
 * <p>
 * When the delegate is job-metrics' {@code MicrometerJobTracer}, the Observation's job name, queue and exception are
 * the capped label values of the run's meters (see {@link JobRunObservationContext}); with another delegate, the
 * names the run was started with.
 *
 * @since 0.3.0
 */
public final class ObservedJobTracer implements JobTracer {

	private static final String NONE = "none";

	private final JobTracer delegate;

	private final ObservationRegistry registry;

	private final @Nullable JobRunObservationConvention convention;

	private final Predicate<Throwable> retryable;

	/**
	 * Creates a tracer that observes the runs of another.
	 * @param delegate the tracer that records each run's meters
	 * @param registry the registry of the Observations
	 * @param convention the convention to name and tag them, or {@code null} for the default
	 * @param retryable whether a failure counts as {@code result="retry"}, as the delegate decides it
	 */
	public ObservedJobTracer(JobTracer delegate, ObservationRegistry registry,
			@Nullable JobRunObservationConvention convention, Predicate<Throwable> retryable) {
		this.delegate = delegate;
		this.registry = registry;
		this.convention = convention;
		this.retryable = retryable;
	}

	@Override
	public JobRun start(String jobName, @Nullable String queue) {
		JobRun run = this.delegate.start(jobName, queue);
		if (run == JobRun.noop() || this.registry.isNoop()) {
			return run;
		}
		try {
			JobRunObservationContext context = context(run, jobName, queue);
			Observation observation = Observation.createNotStarted(this.convention,
					DefaultJobRunObservationConvention.INSTANCE, () -> context, this.registry);
			if (observation.isNoop()) {
				return run;
			}
			observation.start();
			return new ObservedRun(run, observation, context, this.retryable);
		}
		catch (RuntimeException | LinkageError ex) {
			MeteringFailures.log("start the observation of a run of job '" + jobName + "'", ex);
			return run;
		}
	}

	// The labels the run's meters admitted, so that the span's keys are as bounded as the series; a delegate that
	// does not tell them gets the caller's names.
	private static JobRunObservationContext context(JobRun run, String jobName, @Nullable String queue) {
		if (run instanceof LabeledRun labeled) {
			return new JobRunObservationContext(labeled.jobNameLabel(), labeled.queueLabel(), jobName);
		}
		return new JobRunObservationContext(jobName, (queue == null || queue.isEmpty()) ? NONE : queue, jobName);
	}

	@Override
	public void register(String jobName, @Nullable String queue) {
		this.delegate.register(jobName, queue);
	}

}
