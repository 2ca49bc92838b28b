package io.github.jobmetrics.autoconfigure;

import java.util.Set;

import io.github.jobmetrics.prometheus.NativeHistogramMeterRegistry;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of Prometheus native histograms for job-metrics' histograms, when
 * {@code job-metrics.prometheus.native-histograms} is {@code true} and the application has Spring Boot's
 * {@link PrometheusMeterRegistry}.
 * <p>
 * A {@link NativeHistogramMeterRegistry} joins the application's registries (Spring Boot then records every meter
 * through its composite) and writes {@code job_duration_seconds} (and {@code job_queue_wait_seconds}) as classic+native
 * histograms into the {@link PrometheusRegistry} that {@code /actuator/prometheus} serves. A filter keeps the
 * Micrometer meters of those names off the {@link PrometheusMeterRegistry} only. Ordered after Spring Boot's
 * Prometheus export and before its composite registry, of Spring Boot 4 and of Spring Boot 3.5.
 *
 * @since 0.3.0
 */
@AutoConfiguration(
		afterName = {
				"org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusMetricsExportAutoConfiguration",
				"org.springframework.boot.actuate.autoconfigure.metrics.export.prometheus.PrometheusMetricsExportAutoConfiguration" },
		beforeName = { "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
				"org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnClass({ PrometheusMeterRegistry.class, PrometheusRegistry.class })
@ConditionalOnBean({ PrometheusMeterRegistry.class, PrometheusRegistry.class })
@ConditionalOnBooleanProperty("job-metrics.prometheus.native-histograms")
@ConditionalOnBooleanProperty(name = "job-metrics.enabled", matchIfMissing = true)
public final class JobMetricsPrometheusAutoConfiguration {

	private static final Set<String> HISTOGRAMS = NativeHistogramMeterRegistry.JOB_HISTOGRAMS;

	@Bean
	@ConditionalOnMissingBean
	NativeHistogramMeterRegistry jobMetricsNativeHistogramMeterRegistry(PrometheusRegistry prometheusRegistry,
			ObjectProvider<PrometheusMeterRegistry> prometheusMeterRegistry, ObjectProvider<Clock> clock) {
		return new NativeHistogramMeterRegistry(HISTOGRAMS, prometheusRegistry,
				() -> prometheusMeterRegistry.getObject().config().namingConvention(),
				clock.getIfAvailable(() -> Clock.SYSTEM));
	}

	// Before initialisation, so that the filter is in place before Spring Boot binds any meter to the registry.
	@Bean
	static BeanPostProcessor jobMetricsNativeHistogramsMeterFilter() {
		MeterFilter keepOff = NativeHistogramMeterRegistry.keepOffPrometheusMeterRegistry(HISTOGRAMS);
		return new BeanPostProcessor() {

			@Override
			public Object postProcessBeforeInitialization(Object bean, String beanName) throws BeansException {
				if (bean instanceof PrometheusMeterRegistry registry) {
					registry.config().meterFilter(keepOff);
				}
				return bean;
			}

		};
	}

}
