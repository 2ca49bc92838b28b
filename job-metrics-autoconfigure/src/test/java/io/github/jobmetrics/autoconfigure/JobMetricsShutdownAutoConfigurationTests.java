package io.github.jobmetrics.autoconfigure;

import java.time.Duration;

import io.github.jobmetrics.BootMetricsAutoConfigurations;
import io.github.jobmetrics.JobMetricsConfigurationException;
import io.github.jobmetrics.JobRun;
import io.github.jobmetrics.JobTracer;
import io.github.jobmetrics.shutdown.FinalScrapeLifecycle;
import io.github.jobmetrics.shutdown.PrometheusScrapeAdvisor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link JobMetricsShutdownAutoConfiguration}: when the graceful stop applies, in which phase, and what
 * it takes from Spring's own settings. Names no class of one Boot line, so that it runs on every line.
 */
@ExtendWith(OutputCaptureExtension.class)
class JobMetricsShutdownAutoConfigurationTests {

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(BootMetricsAutoConfigurations.with(JobMetricsAutoConfiguration.class,
				JobMetricsShutdownAutoConfiguration.class));

	@Test
	void holdsAGracefulStopBackForTheFinalScrapeByDefault() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(FinalScrapeLifecycle.class).hasSingleBean(PrometheusScrapeAdvisor.class);
			assertThat(context.getBean(FinalScrapeLifecycle.class).getPhase()).isEqualTo(Integer.MAX_VALUE - 512);
			assertThat(context.getBean(FinalScrapeLifecycle.class).getScrapeInterval())
				.isEqualTo(Duration.ofSeconds(15));
		});
	}

	@Test
	void stopsBetweenListenerContainersAndTheGracefulWebServerShutdown() {
		assertThat(FinalScrapeLifecycle.PHASE).isLessThan(Integer.MAX_VALUE - 100)
			.isGreaterThan(gracefulWebServerShutdownPhase());
	}

	@Test
	void stopsAfterTheApplicationsServerAndBeforeTheManagementServerWhenActuatorHasAPortOfItsOwn() {
		this.contextRunner.withPropertyValues("server.port=8080", "management.server.port=8081")
			.run((context) -> assertThat(context.getBean(FinalScrapeLifecycle.class).getPhase())
				.isEqualTo(FinalScrapeLifecycle.SEPARATE_MANAGEMENT_SERVER_PHASE));
		// Boot's ChildManagementContextInitializer closes the management context 512 below the graceful shutdown.
		assertThat(FinalScrapeLifecycle.SEPARATE_MANAGEMENT_SERVER_PHASE).isLessThan(gracefulWebServerShutdownPhase())
			.isGreaterThan(gracefulWebServerShutdownPhase() - 512);
	}

	@Test
	void staysInTheApplicationsPhaseWhenTheManagementPortIsTheServerPort() {
		this.contextRunner.withPropertyValues("server.port=9090", "management.server.port=9090")
			.run((context) -> assertThat(context.getBean(FinalScrapeLifecycle.class).getPhase())
				.isEqualTo(FinalScrapeLifecycle.PHASE));
		this.contextRunner.withPropertyValues("management.server.port=8080")
			.run((context) -> assertThat(context.getBean(FinalScrapeLifecycle.class).getPhase())
				.isEqualTo(FinalScrapeLifecycle.PHASE));
	}

	@Test
	void backsOffWhenTheWebServerStopsImmediately() {
		this.contextRunner.withPropertyValues("server.shutdown=immediate")
			.run((context) -> assertThat(context).doesNotHaveBean(FinalScrapeLifecycle.class));
	}

	@Test
	void backsOffWhenDisabled() {
		this.contextRunner.withPropertyValues("job-metrics.shutdown.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(FinalScrapeLifecycle.class)
				.doesNotHaveBean(PrometheusScrapeAdvisor.class));
	}

	@Test
	void backsOffWhenTheTracerIsTheApplicationsOwn() {
		this.contextRunner.withUserConfiguration(OwnTracer.class)
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(FinalScrapeLifecycle.class));
	}

	// A push registry publishes on close without a web server, so the runs in flight are waited for there too.
	@Test
	void appliesWithoutAWebServer() {
		new ApplicationContextRunner()
			.withConfiguration(BootMetricsAutoConfigurations.with(JobMetricsAutoConfiguration.class,
					JobMetricsShutdownAutoConfiguration.class))
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(FinalScrapeLifecycle.class));
	}

	@Test
	void seesNoScrapeWithoutActuatorsEndpointSupport() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate.endpoint"))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(FinalScrapeLifecycle.class)
				.doesNotHaveBean(PrometheusScrapeAdvisor.class));
	}

	@Test
	void warnsNamingBothSettingsAndShortensTheHoldWhenTheScrapeIntervalDoesNotFitInTheShutdownPhase(
			CapturedOutput output) {
		this.contextRunner.withPropertyValues("spring.lifecycle.timeout-per-shutdown-phase=10s").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(FinalScrapeLifecycle.class).getScrapeInterval())
				.isEqualTo(FinalScrapeLifecycle.budget(Duration.ofSeconds(10)))
				.isEqualTo(Duration.ofSeconds(9));
		});
		assertThat(output).containsOnlyOnce("job-metrics.shutdown.scrape-interval (15.0 s) does not fit in "
				+ "spring.lifecycle.timeout-per-shutdown-phase (10.0 s)");
	}

	@Test
	void failsWhenTheScrapeIntervalIsNotPositive() {
		this.contextRunner.withPropertyValues("job-metrics.shutdown.scrape-interval=0s")
			.run((context) -> assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
				.isInstanceOfSatisfying(JobMetricsConfigurationException.class,
						(ex) -> assertThat(ex.getSubject()).isEqualTo("job-metrics.shutdown.scrape-interval"))
				.hasMessageContaining("must be positive"));
	}

	@Test
	void keepsAScrapeIntervalThatLeavesTimeForRuns() {
		this.contextRunner
			.withPropertyValues("job-metrics.shutdown.scrape-interval=30s",
					"spring.lifecycle.timeout-per-shutdown-phase=1m")
			.run((context) -> assertThat(context.getBean(FinalScrapeLifecycle.class).getScrapeInterval())
				.isEqualTo(Duration.ofSeconds(30)));
	}

	// WebServerGracefulShutdownLifecycle moved between Boot lines; its phase did not.
	private static int gracefulWebServerShutdownPhase() {
		for (String name : new String[] {
				"org.springframework.boot.web.server.context.WebServerGracefulShutdownLifecycle",
				"org.springframework.boot.web.context.WebServerGracefulShutdownLifecycle" }) {
			if (ClassUtils.isPresent(name, null)) {
				Class<?> type = ClassUtils.resolveClassName(name, null);
				return (int) ReflectionUtils.getField(ReflectionUtils.findField(type, "SMART_LIFECYCLE_PHASE"), null);
			}
		}
		throw new IllegalStateException("No WebServerGracefulShutdownLifecycle on the classpath");
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnTracer {

		@Bean
		JobTracer ownTracer() {
			return new JobTracer() {

				@Override
				public JobRun start(String jobName, String queue) {
					return JobRun.noop();
				}

			};
		}

	}

}
