package io.github.jobmetrics.autoconfigure;

import io.github.jobmetrics.JobTracer;
import io.github.jobmetrics.quartz.QuartzJobMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.quartz.JobListener;
import org.quartz.Scheduler;
import org.quartz.TriggerListener;
import org.quartz.listeners.SchedulerListenerSupport;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of job-metrics for Quartz: every execution of a job of a {@link Scheduler} bean is a run of
 * its job (unless {@code job-metrics.instrument.quartz=false}), with schedule lag, misfires and the capacity of the
 * scheduler's thread pool.
 * <p>
 * Ordered after Spring Boot's Quartz auto-configuration of Spring Boot 4 and of Spring Boot 3.5, by name, so that
 * neither needs to be on the classpath. The listeners are added to each scheduler's {@code ListenerManager} rather
 * than through a {@code SchedulerFactoryBeanCustomizer}, whose setters would replace the listeners an application
 * sets, and so that a scheduler the application builds itself is traced too.
 *
 * @since 0.3.0
 */
@AutoConfiguration(after = JobMetricsAutoConfiguration.class,
		afterName = { "org.springframework.boot.quartz.autoconfigure.QuartzAutoConfiguration",
				"org.springframework.boot.autoconfigure.quartz.QuartzAutoConfiguration" })
@ConditionalOnClass({ Scheduler.class, JobListener.class, TriggerListener.class, SchedulerListenerSupport.class })
@ConditionalOnBean({ JobTracer.class, Scheduler.class })
public final class JobMetricsQuartzAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	QuartzJobMetrics quartzJobMetrics(ObjectProvider<JobTracer> jobTracer, ObjectProvider<MeterRegistry> meterRegistry,
			JobMetricsProperties properties) {
		return new QuartzJobMetrics(jobTracer::getObject, meterRegistry::getObject,
				properties.getInstrument().isQuartz(), properties.getMaxJobNames());
	}

}
