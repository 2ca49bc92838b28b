package io.github.jobmetrics.observation;

import io.micrometer.common.KeyValues;
import org.jspecify.annotations.Nullable;

/**
 * The default naming of a job run's Observation: name {@code job.run}, contextual name (the span's name) the job
 * name, low-cardinality keys {@code job.name} and {@code queue}, and {@code result} and {@code exception} once the run
 * has ended. Keys carry the same names and the same capped values as the job's meters ({@code other} past
 * {@code job-metrics.max-job-names} and its siblings), so that a span and a series of the same run match and no
 * handler can make more distinct values of them than the caps allow. When the job name was folded into
 * {@code other}, the name the run was started with is the high-cardinality key {@code job.requested.name}: on the
 * span, never on a meter.
 *
 * @since 0.3.0
 */
public class DefaultJobRunObservationConvention implements JobRunObservationConvention {

	/**
	 * The Observation's name. Job-metrics keeps Spring Boot's meter handler from turning it into meters (a timer
	 * {@code job.run} and a long task timer {@code job.run.active} would duplicate {@code job.duration} and
	 * {@code job.inflight}), whatever the name a convention gives it.
	 */
	public static final String NAME = "job.run";

	/**
	 * A shared instance.
	 */
	public static final DefaultJobRunObservationConvention INSTANCE = new DefaultJobRunObservationConvention();

	private static final String NONE = "none";

	private static final String REQUESTED_NAME = "job.requested.name";

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(JobRunObservationContext context) {
		return context.getJobName();
	}

	// Without a result before the run ends: the long task timer a meter handler builds at the start has no result,
	// the timer it records at the end always has one, so each keeps one set of keys. The exception is "none" for a
	// run that did not fail, so that the set of keys at the end is the same for every result.
	@Override
	public KeyValues getLowCardinalityKeyValues(JobRunObservationContext context) {
		@Nullable String result = context.getResult();
		KeyValues keys = KeyValues.of("job.name", context.getJobName(), "queue", context.getQueue());
		if (result == null) {
			return keys;
		}
		@Nullable String exception = context.getException();
		return keys.and("result", result, "exception", (exception != null) ? exception : NONE);
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(JobRunObservationContext context) {
		String requested = context.getRequestedJobName();
		return requested.equals(context.getJobName()) ? KeyValues.empty()
				: KeyValues.of(REQUESTED_NAME, requested);
	}

}
