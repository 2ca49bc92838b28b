package io.github.jobmetrics.autoconfigure;

import io.github.jobmetrics.JobMetricsConfigurationException;
import io.github.jobmetrics.endpoint.JobsEndpoint;
import io.github.jobmetrics.micrometer.MicrometerJobTracer;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of {@code /actuator/jobs}: when Spring Boot Actuator is present, the tracer is
 * job-metrics' own, and the endpoint is available (exposed and not disabled, as for every actuator endpoint).
 * A separate auto-configuration, after {@link JobMetricsAutoConfiguration}, so that the tracer bean is known
 * when its condition is evaluated.
 *
 * @since 0.3.0
 */
@AutoConfiguration(after = JobMetricsAutoConfiguration.class)
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnBean(MicrometerJobTracer.class)
@ConditionalOnAvailableEndpoint(JobsEndpoint.class)
public final class JobsEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	JobsEndpoint jobsEndpoint(MicrometerJobTracer jobTracer, JobMetricsProperties properties) {
		int maxRunsPerJob = properties.getEndpoint().getMaxRunsPerJob();
		if (maxRunsPerJob < 0) {
			throw new JobMetricsConfigurationException("job-metrics.endpoint.max-runs-per-job",
					"is negative (" + maxRunsPerJob + ")",
					"Set job-metrics.endpoint.max-runs-per-job to 0 or more, for example 100.");
		}
		return new JobsEndpoint(jobTracer, maxRunsPerJob);
	}

}
