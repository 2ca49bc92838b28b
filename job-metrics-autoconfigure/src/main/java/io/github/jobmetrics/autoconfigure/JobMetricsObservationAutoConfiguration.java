package io.github.jobmetrics.autoconfigure;

import io.github.jobmetrics.micrometer.JobMeterSettings;
import io.github.jobmetrics.micrometer.MicrometerJobTracer;
import io.github.jobmetrics.observation.JobRunObservationConvention;
import io.github.jobmetrics.observation.ObservedJobTracer;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * Auto-configuration of one Observation per job run (a span with micrometer-tracing), when the application has an
 * {@link ObservationRegistry} and {@code job-metrics.observation.enabled} is not {@code false}.
 * <p>
 * The observing tracer decorates job-metrics' own {@link MicrometerJobTracer} and is the primary {@code JobTracer}:
 * {@code @TracedJob} methods, scheduled jobs and injected tracers all go through it, while the Micrometer tracer
 * stays injectable by its class. An application that defines its own {@code JobTracer} gets no Observation from
 * job-metrics. Ordered after the Observation auto-configuration of Spring Boot 4 and of Spring Boot 3.5.
 *
 * @since 0.2.0
 */
@AutoConfiguration(after = JobMetricsAutoConfiguration.class,
		afterName = { "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration",
				"org.springframework.boot.actuate.autoconfigure.observation.ObservationAutoConfiguration" })
@ConditionalOnClass(ObservationRegistry.class)
@ConditionalOnBean({ ObservationRegistry.class, MicrometerJobTracer.class })
@ConditionalOnBooleanProperty(name = "job-metrics.observation.enabled", matchIfMissing = true)
public final class JobMetricsObservationAutoConfiguration {

	@Bean
	@Primary
	@ConditionalOnMissingBean
	ObservedJobTracer observedJobTracer(MicrometerJobTracer jobTracer, JobMeterSettings jobMeterSettings,
			ObservationRegistry observationRegistry, ObjectProvider<JobRunObservationConvention> convention) {
		return new ObservedJobTracer(jobTracer, observationRegistry, convention.getIfAvailable(),
				jobMeterSettings::isRetryable);
	}

}
