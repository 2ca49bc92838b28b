package io.github.jobmetrics.autoconfigure;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests how {@link JobMetricsProperties} binds from environment variables, where a job name with dots and
 * capitals cannot be written as part of a variable name.
 */
class JobMetricsPropertiesBindingTests {

	@Test
	void springApplicationJsonSetsTheBucketsOfAJobWhoseNameHasDotsAndCapitals() {
		JobMetricsProperties properties = bindFromEnvironment(Map.of("SPRING_APPLICATION_JSON",
				"{\"job-metrics\":{\"jobs\":{\"[Exporter.run]\":{\"buckets\":\"1s,1m\",\"tags\":{\"team\":\"billing\"}}}}}"));
		assertThat(properties.getJobs()).containsOnlyKeys("Exporter.run");
		assertThat(properties.getJobs().get("Exporter.run").getBuckets()).containsExactly(Duration.ofSeconds(1),
				Duration.ofMinutes(1));
		assertThat(properties.getJobs().get("Exporter.run").getTags()).containsExactly(Map.entry("team", "billing"));
	}

	@Test
	void springApplicationJsonNeedsTheBracketsAroundAJobNameWithDots() {
		JobMetricsProperties properties = bindFromEnvironment(Map.of("SPRING_APPLICATION_JSON",
				"{\"job-metrics\":{\"jobs\":{\"Exporter.run\":{\"buckets\":\"1s,1m\"}}}}"));
		assertThat(properties.getJobs()).isEmpty();
	}

	@Test
	void anEnvironmentVariableReachesOnlyALowerCaseJobNameOfLettersAndDigits() {
		JobMetricsProperties properties = bindFromEnvironment(Map.of("JOB_METRICS_BUCKETS", "1s,1m",
				"JOBMETRICS_JOBS_LEDGER_BUCKETS", "3s", "JOB_METRICS_JOBS_INVOICE_BUCKETS", "2s",
				"JOBMETRICS_JOBS_EXPORTER_RUN_BUCKETS", "4s"));
		assertThat(properties.getBuckets()).containsExactly(Duration.ofSeconds(1), Duration.ofMinutes(1));
		// JOB_METRICS_JOBS_... is not seen as under job-metrics.jobs, and EXPORTER_RUN reaches no job at all.
		assertThat(properties.getJobs()).containsOnlyKeys("ledger");
		assertThat(properties.getJobs().get("ledger").getBuckets()).containsExactly(Duration.ofSeconds(3));
	}

	private static JobMetricsProperties bindFromEnvironment(Map<String, Object> variables) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources()
			.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, new SystemEnvironmentPropertySource(
					StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables));
		SpringApplication application = new SpringApplication(PropertiesOnly.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setEnvironment(environment);
		application.setBannerMode(Banner.Mode.OFF);
		try (ConfigurableApplicationContext context = application.run()) {
			return context.getBean(JobMetricsProperties.class);
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(JobMetricsProperties.class)
	static class PropertiesOnly {

	}

}
