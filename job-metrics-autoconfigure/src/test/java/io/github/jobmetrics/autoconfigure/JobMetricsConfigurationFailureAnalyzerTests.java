package io.github.jobmetrics.autoconfigure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Tests that {@link JobMetricsConfigurationFailureAnalyzer} is registered: a real {@link SpringApplication}
 * that fails on an invalid property prints its report.
 */
@ExtendWith(OutputCaptureExtension.class)
class JobMetricsConfigurationFailureAnalyzerTests {

	@Test
	void springApplicationReportsAnInvalidPropertyWithItsKeyAndFix(CapturedOutput output) {
		SpringApplication application = new SpringApplication(InvalidApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		assertThatException().isThrownBy(() -> application.run("--job-metrics.buckets=1s,500ms"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Invalid job-metrics configuration: job-metrics.buckets is not in strictly ascending order "
					+ "at index 1 (1s then 500ms)")
			.contains("Action:")
			.contains("Set job-metrics.buckets to positive durations in strictly ascending order");
	}

	// All auto-configuration, as an application gets it: finds ours and the analyzer where each Boot line looks.
	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class InvalidApplication {

	}

}
