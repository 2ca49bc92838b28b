package io.github.jobmetrics.autoconfigure;

import io.github.jobmetrics.JobTracer;
import io.github.jobmetrics.batch.BatchJobMetrics;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.AbstractJob;
import org.springframework.batch.core.step.AbstractStep;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of job-metrics for Spring Batch: every job execution and step execution is a run (unless
 * {@code job-metrics.instrument.batch=false}), on Spring Batch 6 (Spring Boot 4) and Spring Batch 5 (Spring Boot
 * 3.5), each through its own listener interfaces.
 * <p>
 * Ordered after Spring Boot's Batch auto-configuration of Spring Boot 4 and of Spring Boot 3.5, by name, so that
 * neither needs to be on the classpath. Spring Boot has no customisation point for the listeners of jobs and steps,
 * so a bean post-processor adds one to each job and step bean, through Spring Batch's public
 * {@code registerJobExecutionListener}/{@code registerStepExecutionListener}.
 *
 * @since 0.3.0
 */
@AutoConfiguration(after = JobMetricsAutoConfiguration.class,
		afterName = { "org.springframework.boot.batch.autoconfigure.BatchAutoConfiguration",
				"org.springframework.boot.batch.jdbc.autoconfigure.BatchJdbcAutoConfiguration",
				"org.springframework.boot.autoconfigure.batch.BatchAutoConfiguration" })
@ConditionalOnClass({ AbstractJob.class, AbstractStep.class, BatchStatus.class })
@ConditionalOnBean(JobTracer.class)
@ConditionalOnBooleanProperty(name = "job-metrics.instrument.batch", matchIfMissing = true)
public final class JobMetricsBatchAutoConfiguration {

	// Static and lazy in what it needs: a post-processor is created before the tracer, which is looked up at the
	// first run. One configuration per Batch line, each on the listener interfaces and execution types of its own.
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = { "org.springframework.batch.core.listener.JobExecutionListener",
			"org.springframework.batch.core.listener.StepExecutionListener",
			"org.springframework.batch.core.step.StepExecution", "org.springframework.batch.core.job.JobExecution",
			"org.springframework.batch.core.partition.PartitionStep" })
	static class Batch6Configuration {

		@Bean
		@ConditionalOnMissingBean
		static BatchJobMetrics batchJobMetrics(ObjectProvider<JobTracer> jobTracer) {
			return BatchJobMetrics.batch6(jobTracer::getObject, AbstractJob.class.getClassLoader());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = { "org.springframework.batch.core.JobExecutionListener",
			"org.springframework.batch.core.StepExecutionListener", "org.springframework.batch.core.StepExecution",
			"org.springframework.batch.core.JobExecution",
			"org.springframework.batch.core.partition.support.PartitionStep" })
	static class Batch5Configuration {

		@Bean
		@ConditionalOnMissingBean
		static BatchJobMetrics batchJobMetrics(ObjectProvider<JobTracer> jobTracer) {
			return BatchJobMetrics.batch5(jobTracer::getObject, AbstractJob.class.getClassLoader());
		}

	}

}
