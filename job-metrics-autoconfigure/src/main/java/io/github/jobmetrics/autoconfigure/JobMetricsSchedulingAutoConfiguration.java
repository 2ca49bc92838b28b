package io.github.jobmetrics.autoconfigure;

import io.github.jobmetrics.JobTracer;
import io.github.jobmetrics.scheduling.ScheduledJobsConfigurer;
import io.github.jobmetrics.scheduling.WorkerCapacityMeters;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.TaskSchedulerRouter;

/**
 * Auto-configuration of job-metrics for Spring's {@code @Scheduled} jobs: the lag of each run behind its schedule,
 * the capacity of the scheduler pools and the pool that runs each job, and, when
 * {@code job-metrics.instrument.scheduled} is on, zero-code tracing of every {@code @Scheduled} method. The
 * configurer only acts when scheduling is enabled ({@code @EnableScheduling}).
 * <p>
 * Ordered after Spring Boot's task-scheduling auto-configuration (by name: the same class on every supported Boot
 * line), whose scheduler it measures.
 *
 * @since 0.3.0
 */
@AutoConfiguration(after = JobMetricsAutoConfiguration.class,
		afterName = "org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration")
// TaskSchedulerRouter (Spring Framework 6.1) is the newest class the scheduling integration uses.
@ConditionalOnClass({ SchedulingConfigurer.class, TaskSchedulerRouter.class })
@ConditionalOnBean({ JobTracer.class, MeterRegistry.class })
public final class JobMetricsSchedulingAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ScheduledJobsConfigurer scheduledJobsConfigurer(JobTracer jobTracer, MeterRegistry meterRegistry,
			JobMetricsProperties properties) {
		return new ScheduledJobsConfigurer(jobTracer, meterRegistry, properties.getInstrument().isScheduled());
	}

	@Bean
	@ConditionalOnMissingBean
	WorkerCapacityMeters workerCapacityMeters(ObjectProvider<MeterRegistry> meterRegistry) {
		return new WorkerCapacityMeters(meterRegistry::getObject);
	}

}
