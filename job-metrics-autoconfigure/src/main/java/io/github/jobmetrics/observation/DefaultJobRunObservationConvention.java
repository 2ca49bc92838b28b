package io.github.jobmetrics.observation;

import io.micrometer.common.KeyValues;
import org.jspecify.annotations.Nullable;

/**
 * The default naming of a job run's Observation: name {@code job.run}, contextual name (the span's name) the job
 * name, low-cardinality keys {@code job.name} and {@code queue}, and {@code result} once the run has ended. Keys
 * carry the same names and values as the job's meters, so that a span and a series of the same run match.
 *
 * @since 0.2.0
 */
public class DefaultJobRunObservationConvention implements JobRunObservationConvention {

	/**
	 * The Observation's name. Spring Boot's meter handler turns it into a timer {@code job.run} and a long task
	 * timer {@code job.run.active}, whose names none of job-metrics' own meters use.
	 */
	public static final String NAME = "job.run";

	/**
	 * A shared instance.
	 */
	public static final DefaultJobRunObservationConvention INSTANCE = new DefaultJobRunObservationConvention();

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(JobRunObservationContext context) {
		return context.getJobName();
	}

	// Without a result before the run ends: the long task timer a meter handler builds at the start has no result,
	// the timer it records at the end always has one, so each keeps one set of keys.
	@Override
	public KeyValues getLowCardinalityKeyValues(JobRunObservationContext context) {
		@Nullable String result = context.getResult();
		KeyValues keys = KeyValues.of("job.name", context.getJobName(), "queue", context.getQueue());
		return (result != null) ? keys.and("result", result) : keys;
	}

}
