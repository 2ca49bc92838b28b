package io.github.jobmetrics.endpoint;

import io.github.jobmetrics.JobMetricsConfigurationException;
import io.github.jobmetrics.autoconfigure.JobMetricsAutoConfiguration;
import io.github.jobmetrics.autoconfigure.JobsEndpointAutoConfiguration;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When {@code /actuator/jobs} is configured: only once exposed, as every actuator endpoint.
 */
class JobsEndpointAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(JobMetricsAutoConfiguration.class, JobsEndpointAutoConfiguration.class))
		.withBean(SimpleMeterRegistry.class);

	@Test
	void isNotConfiguredByDefault() {
		this.contextRunner.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(JobsEndpoint.class));
	}

	@Test
	void isConfiguredOnceExposedOverHttp() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=jobs")
			.run((context) -> assertThat(context).hasSingleBean(JobsEndpoint.class));
	}

	@Test
	void isNotConfiguredWhenExposedButDisabled() {
		this.contextRunner
			.withPropertyValues("management.endpoints.web.exposure.include=jobs", "management.endpoint.jobs.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(JobsEndpoint.class));
	}

	@Test
	void backsOffWithoutActuator() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(Endpoint.class))
			.withPropertyValues("management.endpoints.web.exposure.include=jobs")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(JobsEndpoint.class));
	}

	@Test
	void backsOffWhenJobMetricsIsDisabled() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=jobs", "job-metrics.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(JobsEndpoint.class));
	}

	@Test
	void rejectsANegativeBoundNamingTheProperty() {
		this.contextRunner
			.withPropertyValues("management.endpoints.web.exposure.include=jobs",
					"job-metrics.endpoint.max-runs-per-job=-1")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(JobMetricsConfigurationException.class)
				.hasMessageContaining("job-metrics.endpoint.max-runs-per-job"));
	}

}
