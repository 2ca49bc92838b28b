package io.github.jobmetrics.autoconfigure;

import io.github.jobmetrics.JobMetricsConfigurationException;
import io.github.jobmetrics.shutdown.FinalScrapeLifecycle;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.LifecycleAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.server.context.WebServerGracefulShutdownLifecycle;
import org.springframework.core.NestedExceptionUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the graceful shutdown configuration of {@link JobMetricsAutoConfiguration}: when the final scrape
 * applies, and what it takes from Spring's own settings.
 */
class GracefulShutdownConfigurationTests {

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
				CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
				LifecycleAutoConfiguration.class, JobMetricsAutoConfiguration.class));

	@Test
	void holdsAGracefulShutdownBackForTheFinalScrapeByDefault() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(FinalScrapeLifecycle.class);
			assertThat(context.getBean(FinalScrapeLifecycle.class).getPhase()).isEqualTo(Integer.MAX_VALUE - 512);
		});
	}

	@Test
	void stopsBetweenListenerContainersAndTheGracefulWebServerShutdown() {
		assertThat(FinalScrapeLifecycle.PHASE).isLessThan(Integer.MAX_VALUE - 100)
			.isGreaterThan(WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE);
	}

	@Test
	void backsOffWhenTheWebServerStopsImmediately() {
		this.contextRunner.withPropertyValues("server.shutdown=immediate")
			.run((context) -> assertThat(context).doesNotHaveBean(FinalScrapeLifecycle.class));
	}

	@Test
	void backsOffWhenDisabled() {
		this.contextRunner.withPropertyValues("job-metrics.shutdown.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(FinalScrapeLifecycle.class));
	}

	@Test
	void backsOffWithoutAWebServer() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
				CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
				JobMetricsAutoConfiguration.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(FinalScrapeLifecycle.class));
		this.contextRunner
			.withClassLoader(new FilteredClassLoader("org.springframework.boot.web.server.context"))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(FinalScrapeLifecycle.class));
	}

	@Test
	void failsNamingBothSettingsWhenTheScrapeIntervalDoesNotFitInTheShutdownPhase() {
		this.contextRunner
			.withPropertyValues("job-metrics.shutdown.scrape-interval=30s",
					"spring.lifecycle.timeout-per-shutdown-phase=30s")
			.run((context) -> {
				assertThat(context).hasFailed();
				Throwable failure = context.getStartupFailure();
				assertThat(NestedExceptionUtils.getMostSpecificCause(failure))
					.isInstanceOfSatisfying(JobMetricsConfigurationException.class, (ex) -> assertThat(ex.getSubject())
						.isEqualTo("job-metrics.shutdown.scrape-interval"));
				FailureAnalysis analysis = new JobMetricsConfigurationFailureAnalyzer().analyze(failure);
				assertThat(analysis.getDescription()).contains("spring.lifecycle.timeout-per-shutdown-phase (PT30S)");
				assertThat(analysis.getAction()).contains("job-metrics.shutdown.enabled=false");
			});
	}

	@Test
	void failsWhenTheScrapeIntervalIsNotPositive() {
		this.contextRunner.withPropertyValues("job-metrics.shutdown.scrape-interval=0s")
			.run((context) -> assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
				.isInstanceOf(JobMetricsConfigurationException.class)
				.hasMessageContaining("must be positive"));
	}

	@Test
	void acceptsAScrapeIntervalThatLeavesTimeForRuns() {
		this.contextRunner
			.withPropertyValues("job-metrics.shutdown.scrape-interval=30s",
					"spring.lifecycle.timeout-per-shutdown-phase=1m")
			.run((context) -> assertThat(context).hasSingleBean(FinalScrapeLifecycle.class));
	}

}
