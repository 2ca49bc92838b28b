package io.github.jobmetrics.autoconfigure;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import io.github.jobmetrics.micrometer.JobMeterSettings;
import org.junit.jupiter.api.Test;

import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.dao.TransientDataAccessException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that the configuration example of the README starts an application as it says.
 */
class ReadmeConfigurationTests {

	// Exactly the README's example.
	private static final String README_YAML = """
			job-metrics:
			  enabled: true                       # false: no tracer, no advisor, no meters
			  buckets: 5ms, 10ms, 25ms, 50ms, 100ms, 250ms, 500ms, 1s, 2500ms, 5s, 10s, 30s, 1m, 2m, 5m, 10m, 30m, 1h, 2h, 6h
			  retry-exceptions:                   # failures that count as result="retry", subclasses included
			    - org.springframework.dao.TransientDataAccessException
			  jobs:
			    invoice-export:                   # per job name
			      buckets: 100ms, 1s, 10s, 1m
			      tags:
			        team: billing
			    "[Exporter.run]":                 # a name with dots or capitals goes in quoted brackets
			      buckets: 1s, 1m, 10m
			""";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
				CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
				JobMetricsAutoConfiguration.class));

	@Test
	void theReadmeExampleStartsWithItsSettings() {
		this.contextRunner.withInitializer((context) -> context.getEnvironment().getPropertySources()
			.addFirst(yaml(README_YAML)))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				JobMetricsProperties properties = context.getBean(JobMetricsProperties.class);
				assertThat(properties.getBuckets()).isEqualTo(JobMeterSettings.DEFAULT_BUCKETS);
				assertThat(properties.getRetryExceptions())
					.containsExactly(TransientDataAccessException.class.getName());
				assertThat(properties.getJobs()).containsOnlyKeys("invoice-export", "Exporter.run");
				assertThat(properties.getJobs().get("invoice-export").getTags()).containsEntry("team", "billing");
				assertThat(properties.getJobs().get("Exporter.run").getBuckets()).containsExactly(
						Duration.ofSeconds(1), Duration.ofMinutes(1), Duration.ofMinutes(10));
			});
	}

	@Test
	void aDecimalDurationStopsStartUpAsBootsSimpleFormatTakesIntegers() {
		this.contextRunner.withInitializer((context) -> context.getEnvironment().getPropertySources()
			.addFirst(yaml(README_YAML.replace("2500ms", "2.5s"))))
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).hasStackTraceContaining("Failed to bind properties under 'job-metrics.buckets'")
					.rootCause()
					.hasMessageContaining("'2.5s' is not a valid duration");
			});
	}

	private static PropertySource<?> yaml(String yaml) {
		try {
			List<PropertySource<?>> sources = new YamlPropertySourceLoader().load("readme",
					new ByteArrayResource(yaml.getBytes()));
			return sources.get(0);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
