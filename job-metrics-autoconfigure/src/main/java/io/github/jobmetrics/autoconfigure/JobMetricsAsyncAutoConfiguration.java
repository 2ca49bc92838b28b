package io.github.jobmetrics.autoconfigure;

import io.github.jobmetrics.JobTracer;
import io.github.jobmetrics.async.AsyncMethodsPostProcessor;
import io.github.jobmetrics.async.ExecutorCapacityMeters;
import io.github.jobmetrics.async.ExecutorQueueWaitPostProcessor;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.aop.interceptor.AsyncExecutionInterceptor;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.core.task.support.CompositeTaskDecorator;
import org.springframework.scheduling.annotation.AsyncAnnotationAdvisor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/**
 * Auto-configuration of job-metrics for Spring's {@code @Async} methods and {@code ThreadPoolTaskExecutor}s: the run
 * of a traced {@code @Async} method on the executor's thread whatever the order of the advisors, its queue wait in
 * the executor and that of the traced tasks handed to a {@code ThreadPoolTaskExecutor} bean directly, zero-code
 * tracing of every {@code @Async} method when {@code job-metrics.instrument.async} is on, and the capacity of each
 * executor bean.
 * <p>
 * Ordered after Spring Boot's task-execution auto-configuration (by name: the same class on every supported Boot
 * line), whose executor it measures.
 *
 * @since 0.3.0
 */
@AutoConfiguration(after = JobMetricsAutoConfiguration.class,
		afterName = "org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration")
@ConditionalOnClass({ AsyncAnnotationAdvisor.class, AsyncExecutionInterceptor.class, ThreadPoolTaskExecutor.class,
		CompositeTaskDecorator.class })
@ConditionalOnBean({ JobTracer.class, MeterRegistry.class })
public final class JobMetricsAsyncAutoConfiguration {

	// Static and lazy in what it needs: a post-processor is created before the beans it will see, the registry
	// among them.
	@Bean
	@ConditionalOnMissingBean
	static AsyncMethodsPostProcessor asyncMethodsPostProcessor(ObjectProvider<JobTracer> jobTracer,
			ObjectProvider<MeterRegistry> meterRegistry, Environment environment) {
		boolean traceAll = Binder.get(environment).bind("job-metrics.instrument.async", Boolean.class).orElse(false);
		return new AsyncMethodsPostProcessor(jobTracer::getObject, () -> meterRegistry.getObject().config().clock(),
				traceAll);
	}

	// Static, as a post-processor must be; the clock is looked up when the first task is submitted.
	@Bean
	@ConditionalOnMissingBean
	static ExecutorQueueWaitPostProcessor executorQueueWaitPostProcessor(ObjectProvider<MeterRegistry> meterRegistry) {
		return new ExecutorQueueWaitPostProcessor(() -> meterRegistry.getObject().config().clock());
	}

	@Bean
	@ConditionalOnMissingBean
	ExecutorCapacityMeters executorCapacityMeters(ObjectProvider<MeterRegistry> meterRegistry) {
		return new ExecutorCapacityMeters(meterRegistry::getObject);
	}

}
