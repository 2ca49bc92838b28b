package io.github.jobmetrics.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.github.jobmetrics.micrometer.JobMeterSettings;
import io.github.jobmetrics.micrometer.MicrometerJobTracer;
import io.github.jobmetrics.observation.JobRunMeterObservationHandler;
import io.github.jobmetrics.observation.JobRunObservationConvention;
import io.github.jobmetrics.observation.ObservedJobTracer;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.BeanFactoryUtils;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.AnnotatedBeanDefinition;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Primary;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.core.type.MethodMetadata;
import org.springframework.util.ClassUtils;

/**
 * Auto-configuration of one Observation per job run, so that a tracing bridge makes one span per run. The
 * Observation exists for the span: it is made when the application has a tracing bridge (a micrometer-tracing
 * {@code Tracer} bean other than Spring Boot's no-op one, as Boot's OpenTelemetry and Brave auto-configurations
 * define), or when {@code job-metrics.observation.enabled=true} asks for it (for an {@code ObservationHandler} of
 * the application's own); {@code false} turns it off. Every other Actuator application, which has an
 * {@link ObservationRegistry} but nothing that makes spans, pays nothing per run for it. The condition evaluation
 * report says which applied.
 * <p>
 * The observing tracer decorates job-metrics' own {@link MicrometerJobTracer} and is the primary {@code JobTracer}:
 * {@code @TracedJob} methods, scheduled jobs and injected tracers all go through it, while the Micrometer tracer
 * stays injectable by its class. An application that defines its own {@code JobTracer} gets no Observation from
 * job-metrics. Beside it, a {@link JobRunMeterObservationHandler} keeps Boot's meter handler from making meters of
 * the runs, which {@code job.duration} and {@code job.inflight} already are, within the label caps.
 * <p>
 * Ordered, by name, after the observation, metrics and tracing auto-configurations of Spring Boot 4 and of Spring
 * Boot 3.5, so that their {@code Tracer} and meter handler are defined when the conditions are evaluated.
 *
 * @since 0.3.0
 */
@AutoConfiguration(after = JobMetricsAutoConfiguration.class, afterName = {
		"org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
		"org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration",
		"org.springframework.boot.micrometer.tracing.autoconfigure.NoopTracerAutoConfiguration",
		"org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration",
		"org.springframework.boot.micrometer.tracing.brave.autoconfigure.BraveAutoConfiguration",
		"org.springframework.boot.actuate.autoconfigure.observation.ObservationAutoConfiguration",
		"org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration",
		"org.springframework.boot.actuate.autoconfigure.tracing.MicrometerTracingAutoConfiguration",
		"org.springframework.boot.actuate.autoconfigure.tracing.NoopTracerAutoConfiguration",
		"org.springframework.boot.actuate.autoconfigure.tracing.OpenTelemetryTracingAutoConfiguration",
		"org.springframework.boot.actuate.autoconfigure.tracing.BraveAutoConfiguration" })
@ConditionalOnClass(ObservationRegistry.class)
@ConditionalOnBean({ ObservationRegistry.class, MicrometerJobTracer.class })
@ConditionalOnBooleanProperty(name = "job-metrics.observation.enabled", matchIfMissing = true)
@Conditional(JobMetricsObservationAutoConfiguration.OnTracingBridgeOrObservationEnabled.class)
public final class JobMetricsObservationAutoConfiguration {

	@Bean
	@Primary
	@ConditionalOnMissingBean
	ObservedJobTracer observedJobTracer(MicrometerJobTracer jobTracer, JobMeterSettings jobMeterSettings,
			ObservationRegistry observationRegistry, ObjectProvider<JobRunObservationConvention> convention) {
		return new ObservedJobTracer(jobTracer, observationRegistry, convention.getIfAvailable(),
				jobMeterSettings::isRetryable);
	}

	// A bean Spring Boot's meter handler configuration does not see: it is registered after Boot's
	// @ConditionalOnMissingBean(MeterObservationHandler) was evaluated, so the default handler stays for all other
	// Observations, and this one is first in its group for the runs.
	@Bean
	@ConditionalOnMissingBean
	static JobRunMeterObservationHandler jobRunMeterObservationHandler() {
		return new JobRunMeterObservationHandler();
	}

	/**
	 * Matches when {@code job-metrics.observation.enabled} is {@code true}, or when a tracing bridge is present.
	 */
	static final class OnTracingBridgeOrObservationEnabled extends AnyNestedCondition {

		OnTracingBridgeOrObservationEnabled() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnBooleanProperty("job-metrics.observation.enabled")
		static final class ObservationEnabled {

		}

		@Conditional(OnTracingBridgeCondition.class)
		static final class TracingBridge {

		}

	}

	/**
	 * Matches when the bean factory has a micrometer-tracing {@code Tracer} that is not the no-op one Spring Boot
	 * defines when micrometer-tracing is on the class path without a bridge (its {@code NoopTracerAutoConfiguration}
	 * on every line): with that one an Observation would make no span, only cost.
	 */
	static final class OnTracingBridgeCondition extends SpringBootCondition {

		private static final String TRACER = "io.micrometer.tracing.Tracer";

		private static final Set<String> NOOP_TRACER_CONFIGURATIONS = Set.of(
				"org.springframework.boot.micrometer.tracing.autoconfigure.NoopTracerAutoConfiguration",
				"org.springframework.boot.actuate.autoconfigure.tracing.NoopTracerAutoConfiguration");

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			ConditionMessage.Builder message = ConditionMessage.forCondition("tracing bridge");
			ClassLoader classLoader = context.getClassLoader();
			ConfigurableListableBeanFactory beanFactory = context.getBeanFactory();
			if (classLoader == null || beanFactory == null || !ClassUtils.isPresent(TRACER, classLoader)) {
				return ConditionOutcome.noMatch(message.didNotFind("class").items(TRACER));
			}
			String[] names = BeanFactoryUtils.beanNamesForTypeIncludingAncestors(beanFactory,
					ClassUtils.resolveClassName(TRACER, classLoader), true, false);
			List<String> bridges = new ArrayList<>();
			for (String name : names) {
				if (!isNoopTracer(beanFactory, name)) {
					bridges.add(name);
				}
			}
			if (bridges.isEmpty()) {
				return ConditionOutcome.noMatch(message.because((names.length == 0) ? "found no Tracer bean"
						: "found only Spring Boot's no-op Tracer, which makes no span"));
			}
			return ConditionOutcome.match(message.found("Tracer bean", "Tracer beans").items(bridges));
		}

		private static boolean isNoopTracer(ConfigurableListableBeanFactory beanFactory, String name) {
			if (!beanFactory.containsBeanDefinition(name)) {
				// A singleton registered without a definition, or one of a parent context: not Boot's no-op one.
				return false;
			}
			BeanDefinition definition = beanFactory.getBeanDefinition(name);
			if (definition instanceof AnnotatedBeanDefinition annotated
					&& annotated.getFactoryMethodMetadata() != null) {
				MethodMetadata factoryMethod = annotated.getFactoryMethodMetadata();
				return NOOP_TRACER_CONFIGURATIONS.contains(factoryMethod.getDeclaringClassName());
			}
			return definition.getFactoryBeanName() != null
					&& NOOP_TRACER_CONFIGURATIONS.contains(definition.getFactoryBeanName());
		}

	}

}
