package io.github.jobmetrics.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and tags the Observation of a job run. Define a bean of this type to replace
 * {@link DefaultJobRunObservationConvention}, for example to add keys from the context.
 *
 * @since 0.3.0
 */
public interface JobRunObservationConvention extends ObservationConvention<JobRunObservationContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof JobRunObservationContext;
	}

}
