package io.github.jobmetrics.autoconfigure;

import java.time.Duration;

import io.github.jobmetrics.JobMetricsConfigurationException;
import io.github.jobmetrics.micrometer.MicrometerJobTracer;
import io.github.jobmetrics.shutdown.FinalScrapeLifecycle;
import io.github.jobmetrics.shutdown.PrometheusScrapeAdvisor;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.endpoint.invoke.OperationInvokerAdvisor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Auto-configuration of a graceful stop that exports its last work: the server that serves
 * {@code /actuator/prometheus} stays up until the runs in flight have ended and every scraper has read their ends
 * ({@link FinalScrapeLifecycle}), and {@link PrometheusScrapeAdvisor} tells it who scrapes and when. On by default
 * ({@code job-metrics.shutdown.enabled}); off with {@code server.shutdown=immediate}.
 * <p>
 * Nothing in it names a class of one Spring Boot line: it works alike on Boot 3.5, 4.0 and 4.1. Without Actuator's
 * endpoint support, no scrape is seen, and the stop waits only for the runs a push registry publishes on close.
 *
 * @since 0.3.0
 */
@AutoConfiguration(after = JobMetricsAutoConfiguration.class)
@ConditionalOnBean(MicrometerJobTracer.class)
@ConditionalOnBooleanProperty(name = "job-metrics.shutdown.enabled", matchIfMissing = true)
@ConditionalOnProperty(name = "server.shutdown", havingValue = "graceful", matchIfMissing = true)
public final class JobMetricsShutdownAutoConfiguration {

	private static final String SCRAPE_INTERVAL = "job-metrics.shutdown.scrape-interval";

	private static final Duration DEFAULT_PHASE_TIMEOUT = Duration.ofSeconds(30);

	@Bean
	@ConditionalOnMissingBean
	// The MicrometerJobTracer itself, not the @Primary JobTracer, which may be a decorator (the job.run
	// Observation's): only the former knows the runs in flight.
	FinalScrapeLifecycle jobMetricsFinalScrapeLifecycle(ObjectProvider<MicrometerJobTracer> jobTracer,
			ObjectProvider<MeterRegistry> meterRegistry, JobMetricsProperties properties, Environment environment) {
		Duration scrapeInterval = properties.getShutdown().getScrapeInterval();
		if (scrapeInterval.isNegative() || scrapeInterval.isZero()) {
			throw new JobMetricsConfigurationException(SCRAPE_INTERVAL,
					"is " + scrapeInterval + "; it must be positive",
					"Set " + SCRAPE_INTERVAL + " to the longest scrape interval of the scrapers of this application, "
							+ "for example 15s, or set job-metrics.shutdown.enabled=false");
		}
		// Bound rather than taken from Boot's LifecycleProperties bean, which only LifecycleAutoConfiguration makes.
		Duration phaseTimeout = Binder.get(environment)
			.bind("spring.lifecycle.timeout-per-shutdown-phase", Duration.class)
			.orElse(DEFAULT_PHASE_TIMEOUT);
		return new FinalScrapeLifecycle(jobTracer::getIfAvailable, meterRegistry::getIfUnique, scrapeInterval,
				phaseTimeout, separateManagementServer(environment));
	}

	// As Boot's ManagementPortType decides it, whose package differs between Boot lines.
	private static boolean separateManagementServer(Environment environment) {
		Integer managementPort = environment.getProperty("management.server.port", Integer.class);
		if (managementPort == null || managementPort < 0) {
			return false;
		}
		Integer serverPort = environment.getProperty("server.port", Integer.class);
		boolean same = (serverPort == null && managementPort == 8080)
				|| (managementPort != 0 && managementPort.equals(serverPort));
		return !same;
	}

	/**
	 * Sees the reads of Actuator's {@code prometheus} endpoint, on whichever server serves it.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(OperationInvokerAdvisor.class)
	static class PrometheusScrapesConfiguration {

		@Bean
		@ConditionalOnMissingBean
		PrometheusScrapeAdvisor jobMetricsPrometheusScrapeAdvisor(FinalScrapeLifecycle finalScrapeLifecycle) {
			return new PrometheusScrapeAdvisor(finalScrapeLifecycle);
		}

	}

}
