package io.github.jobmetrics.autoconfigure;

import java.util.Map;
import java.util.Set;

import io.github.jobmetrics.JobTracer;
import io.github.jobmetrics.aop.TracedJobAdvisor;
import io.github.jobmetrics.aop.TracedJobRegistrar;
import io.github.jobmetrics.micrometer.JobMeterSettings;
import io.github.jobmetrics.micrometer.MicrometerJobTracer;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;

/**
 * Auto-configuration of job-metrics: a {@link JobTracer} recording into the application's
 * {@link MeterRegistry}, the advisor that traces {@code @TracedJob} methods, and the registrar that builds
 * the meters of known jobs at start-up.
 * <p>
 * Ordered after the metrics auto-configuration of Spring Boot 4 and of Spring Boot 3.5 (by name, so that
 * neither needs to be on the classpath).
 *
 * @since 0.3.0
 */
@AutoConfiguration(afterName = {
		"org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration",
		"org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration",
		"org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
		"org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration" })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnProperty(prefix = "job-metrics", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(JobMetricsProperties.class)
@Import(AutoProxyRegistrar.class)
public final class JobMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	JobMeterSettings jobMeterSettings(JobMetricsProperties properties) {
		return JobMeterSettingsFactory.create(properties, getClass().getClassLoader());
	}

	@Bean
	@ConditionalOnMissingBean(JobTracer.class)
	MicrometerJobTracer jobTracer(MeterRegistry meterRegistry, JobMeterSettings jobMeterSettings) {
		return new MicrometerJobTracer(meterRegistry, jobMeterSettings);
	}

	// Static and lazy in its tracer: auto-proxy creators instantiate advisors very early, and pulling the
	// MeterRegistry in then would create it before Boot has applied its filters and customizers.
	@Bean
	@ConditionalOnMissingBean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static TracedJobAdvisor tracedJobAdvisor(ObjectProvider<JobTracer> jobTracer, Environment environment) {
		return new TracedJobAdvisor(jobTracer::getObject, listenersInstrumented(environment));
	}

	@Bean
	@ConditionalOnMissingBean
	static TracedJobRegistrar tracedJobRegistrar(ObjectProvider<JobTracer> jobTracer, Environment environment) {
		// Bound here, not injected: a static bean method must not pull the properties bean in early.
		Set<String> configured = Binder.get(environment)
			.bind("job-metrics.jobs", Bindable.mapOf(String.class, Object.class))
			.map(Map::keySet)
			.orElse(Set.of());
		return new TracedJobRegistrar(jobTracer::getObject, configured, listenersInstrumented(environment));
	}

	private static boolean listenersInstrumented(Environment environment) {
		return Binder.get(environment).bind("job-metrics.instrument.listeners", Boolean.class).orElse(false);
	}

}
