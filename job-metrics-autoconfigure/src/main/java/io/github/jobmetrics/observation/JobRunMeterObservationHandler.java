package io.github.jobmetrics.observation;

import io.micrometer.core.instrument.observation.MeterObservationHandler;
import io.micrometer.observation.Observation;

import org.springframework.core.Ordered;

/**
 * A {@link MeterObservationHandler} that claims the Observations of job runs and makes no meter of them, so that no
 * other meter handler does. Spring Boot registers its meter handlers as one group in which only the first that
 * supports an Observation handles it; ordered first, this one keeps Boot's {@code DefaultMeterObservationHandler}
 * from turning each run into a {@code job.run} timer and a {@code job.run.active} long task timer, which would
 * duplicate {@code job.duration} and {@code job.inflight} with tags of their own. It matches by context type, so it
 * covers the Observation whatever name a {@link JobRunObservationConvention} gives it, and it costs nothing per run:
 * the default handler never starts a sample. Tracing handlers, and handlers outside Boot's meter group, still see
 * every run.
 *
 * @since 0.3.0
 */
public final class JobRunMeterObservationHandler implements MeterObservationHandler<JobRunObservationContext>, Ordered {

	@Override
	public boolean supportsContext(Observation.Context context) {
		return context instanceof JobRunObservationContext;
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
