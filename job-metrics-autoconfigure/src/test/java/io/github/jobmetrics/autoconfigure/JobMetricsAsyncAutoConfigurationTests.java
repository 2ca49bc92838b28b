package io.github.jobmetrics.autoconfigure;

import java.util.List;

import io.github.jobmetrics.BootMetricsAutoConfigurations;
import io.github.jobmetrics.JobRun;
import io.github.jobmetrics.async.AsyncMethodsPostProcessor;
import io.github.jobmetrics.async.ExecutorCapacityMeters;
import io.github.jobmetrics.async.ExecutorQueueWaitPostProcessor;
import io.micrometer.core.instrument.Clock;
import org.junit.jupiter.api.Test;

import org.springframework.aop.interceptor.AsyncExecutionInterceptor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.task.support.CompositeTaskDecorator;
import org.springframework.scheduling.annotation.AsyncAnnotationAdvisor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link JobMetricsAsyncAutoConfiguration}.
 */
class JobMetricsAsyncAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(BootMetricsAutoConfigurations.with(TaskExecutionAutoConfiguration.class,
				JobMetricsAutoConfiguration.class, JobMetricsAsyncAutoConfiguration.class));

	@Test
	void measuresAsyncMethodsAndExecutorsBesideTheCore() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(AsyncMethodsPostProcessor.class)
			.hasSingleBean(ExecutorQueueWaitPostProcessor.class)
			.hasSingleBean(ExecutorCapacityMeters.class));
	}

	@Test
	void backsOffWithoutSpringsCompositeTaskDecorator() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(CompositeTaskDecorator.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ExecutorQueueWaitPostProcessor.class));
	}

	@Test
	void isAnAutoConfigurationOfItsOwnOrderedAfterTheCoreAndBootsTaskExecution() {
		List<String> candidates = ImportCandidates.load(AutoConfiguration.class, getClass().getClassLoader())
			.getCandidates();
		assertThat(candidates).contains(JobMetricsAsyncAutoConfiguration.class.getName());
		AutoConfiguration ordering = JobMetricsAsyncAutoConfiguration.class.getAnnotation(AutoConfiguration.class);
		assertThat(ordering.after()).containsExactly(JobMetricsAutoConfiguration.class);
		// By name: the same class on Boot 3.5, 4.0 and 4.1.
		assertThat(ordering.afterName()).containsExactly(TaskExecutionAutoConfiguration.class.getName());
	}

	@Test
	void backsOffWithoutTheCoreTracer() {
		this.contextRunner.withPropertyValues("job-metrics.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(AsyncMethodsPostProcessor.class)
				.doesNotHaveBean(ExecutorQueueWaitPostProcessor.class)
				.doesNotHaveBean(ExecutorCapacityMeters.class));
	}

	@Test
	void backsOffWithoutSpringsAsyncSupport() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(AsyncAnnotationAdvisor.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(AsyncMethodsPostProcessor.class)
				.doesNotHaveBean(ExecutorCapacityMeters.class));
		this.contextRunner.withClassLoader(new FilteredClassLoader(AsyncExecutionInterceptor.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(AsyncMethodsPostProcessor.class));
	}

	@Test
	void backsOffWhenTheApplicationDefinesItsOwnPostProcessor() {
		AsyncMethodsPostProcessor own = new AsyncMethodsPostProcessor(() -> (name, queue) -> JobRun.noop(),
				() -> Clock.SYSTEM, false);
		this.contextRunner.withBean("ownAsyncMethods", AsyncMethodsPostProcessor.class, () -> own)
			.run((context) -> assertThat(context.getBean(AsyncMethodsPostProcessor.class)).isSameAs(own));
	}

}
