package io.github.jobmetrics.autoconfigure;

import java.util.List;
import java.util.Map;
import java.util.Set;

import io.github.jobmetrics.micrometer.JobMeterSettings;
import io.github.jobmetrics.micrometer.MicrometerJobTracer;
import io.github.jobmetrics.prometheus.NativeHistogramMeterRegistry;
import io.github.jobmetrics.prometheus.StripedDurationHistograms;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.NoneNestedConditions;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Auto-configuration of how job-metrics' histograms reach the registry that {@code /actuator/prometheus} serves,
 * when the application has Spring Boot's {@link PrometheusMeterRegistry}. One of two variants applies, and the
 * condition evaluation report says which:
 * <ul>
 * <li><b>Striped histograms</b> (the default): the tracer counts {@code job_duration_seconds} itself, under the lock
 * each run's end takes anyway, and a {@link StripedDurationHistograms} collector writes it with the buckets, labels
 * and names Micrometer's timer would have; the timer is kept off the {@code PrometheusMeterRegistry} only, so other
 * registries (OTLP, JMX, ...) keep it. Not with a tracing bridge, whose exemplars ride on Micrometer's timer, nor
 * when {@code job-metrics.prometheus.striped-histograms=false}, nor when a {@code management.metrics.enable} or
 * {@code management.metrics.distribution} setting names {@code job.duration}, {@code job} or {@code all}: those
 * then apply to the timer exactly as Spring Boot applies them to any meter.</li>
 * <li><b>Native histograms</b>, when {@code job-metrics.prometheus.native-histograms} is {@code true}: a
 * {@link NativeHistogramMeterRegistry} joins the application's registries (Spring Boot then records every meter
 * through its composite) and writes {@code job_duration_seconds} (and {@code job_queue_wait_seconds}) as
 * classic+native histograms into the {@link PrometheusRegistry}; a filter keeps the Micrometer meters of those
 * names off the {@link PrometheusMeterRegistry} only.</li>
 * </ul>
 * Ordered after Spring Boot's Prometheus export and tracing, and before its composite registry, of Spring Boot 4
 * and of Spring Boot 3.5.
 *
 * @since 0.3.0
 */
@AutoConfiguration(
		afterName = {
				"org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusMetricsExportAutoConfiguration",
				"org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration",
				"org.springframework.boot.micrometer.tracing.autoconfigure.NoopTracerAutoConfiguration",
				"org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration",
				"org.springframework.boot.micrometer.tracing.brave.autoconfigure.BraveAutoConfiguration",
				"org.springframework.boot.actuate.autoconfigure.metrics.export.prometheus.PrometheusMetricsExportAutoConfiguration",
				"org.springframework.boot.actuate.autoconfigure.tracing.MicrometerTracingAutoConfiguration",
				"org.springframework.boot.actuate.autoconfigure.tracing.NoopTracerAutoConfiguration",
				"org.springframework.boot.actuate.autoconfigure.tracing.OpenTelemetryTracingAutoConfiguration",
				"org.springframework.boot.actuate.autoconfigure.tracing.BraveAutoConfiguration" },
		beforeName = { "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
				"org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnClass({ PrometheusMeterRegistry.class, PrometheusRegistry.class })
@ConditionalOnBean({ PrometheusMeterRegistry.class, PrometheusRegistry.class })
@ConditionalOnBooleanProperty(name = "job-metrics.enabled", matchIfMissing = true)
public final class JobMetricsPrometheusAutoConfiguration {

	private static final Set<String> HISTOGRAMS = NativeHistogramMeterRegistry.JOB_HISTOGRAMS;

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty("job-metrics.prometheus.native-histograms")
	static final class NativeHistograms {

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

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty(name = "job-metrics.prometheus.native-histograms", havingValue = false,
			matchIfMissing = true)
	@ConditionalOnBooleanProperty(name = "job-metrics.prometheus.striped-histograms", matchIfMissing = true)
	@Conditional({ NoTracingBridge.class, NoBootSettingOfTheTimer.class })
	static final class StripedHistograms {

		// One post-processor for both beans: the settings tell the tracer to count the histograms, and the Prometheus
		// registry gets the collector and the filter that keeps the timer off it, before Spring Boot binds any meter.
		// The filter lets the timer through for a tracer that does not count them (one an application built itself).
		@Bean
		static BeanPostProcessor jobMetricsStripedHistograms(ObjectProvider<MicrometerJobTracer> tracer,
				ObjectProvider<PrometheusConfig> prometheusConfig) {
			return new BeanPostProcessor() {

				@Override
				public Object postProcessBeforeInitialization(Object bean, String beanName) throws BeansException {
					if (bean instanceof PrometheusMeterRegistry registry) {
						PrometheusConfig config = prometheusConfig.getIfAvailable(() -> PrometheusConfig.DEFAULT);
						StripedDurationHistograms histograms = new StripedDurationHistograms(tracer::getIfUnique,
								() -> registry.config().namingConvention(), config.descriptions());
						registry.config().meterFilter(histograms.keepTimerOff());
						registry.getPrometheusRegistry().register(histograms);
					}
					return bean;
				}

				@Override
				public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
					if (bean instanceof JobMeterSettings settings) {
						return settings.withStripedDurationHistograms(true);
					}
					return bean;
				}

			};
		}

	}

	/**
	 * Matches when the application has no tracing bridge: with one, Spring Boot puts exemplars on the buckets of
	 * Micrometer's timer, which the striped histograms do not have.
	 */
	static final class NoTracingBridge extends NoneNestedConditions {

		NoTracingBridge() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@Conditional(JobMetricsObservationAutoConfiguration.OnTracingBridgeCondition.class)
		static final class TracingBridge {

		}

	}

	/**
	 * Matches unless a {@code management.metrics.enable} or {@code management.metrics.distribution} setting names the
	 * timer ({@code job.duration}, or a prefix of it by which Spring Boot applies a setting to it: {@code job},
	 * {@code all}): the timer on the Prometheus registry then stays, and the setting applies to it as Spring Boot
	 * applies it to every meter, rather than job-metrics copying what it does.
	 */
	static final class NoBootSettingOfTheTimer extends SpringBootCondition {

		private static final List<String> NAMES = List.of(StripedDurationHistograms.TIMER, "job", "all");

		private static final List<String> SETTINGS = List.of("management.metrics.enable",
				"management.metrics.distribution.percentiles-histogram", "management.metrics.distribution.percentiles",
				"management.metrics.distribution.slo", "management.metrics.distribution.minimum-expected-value",
				"management.metrics.distribution.maximum-expected-value", "management.metrics.distribution.expiry",
				"management.metrics.distribution.buffer-length");

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			ConditionMessage.Builder message = ConditionMessage.forCondition("Spring Boot settings of job.duration");
			Binder binder = Binder.get(context.getEnvironment());
			for (String setting : SETTINGS) {
				Map<String, String[]> byName = binder.bind(setting, Bindable.mapOf(String.class, String[].class))
					.orElse(Map.of());
				for (String name : NAMES) {
					if (byName.containsKey(name)) {
						return ConditionOutcome.noMatch(message.found("setting").items(setting + "." + name));
					}
				}
			}
			return ConditionOutcome.match(message.didNotFind("setting").items(SETTINGS));
		}

	}

}
