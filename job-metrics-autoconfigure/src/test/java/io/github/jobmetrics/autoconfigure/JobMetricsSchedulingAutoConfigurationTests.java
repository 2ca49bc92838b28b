package io.github.jobmetrics.autoconfigure;

import java.util.List;

import io.github.jobmetrics.BootMetricsAutoConfigurations;
import io.github.jobmetrics.scheduling.ScheduledJobsConfigurer;
import io.github.jobmetrics.scheduling.WorkerCapacityMeters;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.scheduling.config.TaskSchedulerRouter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link JobMetricsSchedulingAutoConfiguration}.
 */
class JobMetricsSchedulingAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(BootMetricsAutoConfigurations.with(TaskSchedulingAutoConfiguration.class,
				JobMetricsAutoConfiguration.class, JobMetricsSchedulingAutoConfiguration.class));

	@Test
	void measuresScheduledJobsBesideTheCore() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(ScheduledJobsConfigurer.class)
			.hasSingleBean(WorkerCapacityMeters.class));
	}

	@Test
	void isAnAutoConfigurationOfItsOwnOrderedAfterTheCoreAndBootsTaskScheduling() {
		List<String> candidates = ImportCandidates.load(AutoConfiguration.class, getClass().getClassLoader())
			.getCandidates();
		assertThat(candidates).contains(JobMetricsSchedulingAutoConfiguration.class.getName());
		AutoConfiguration ordering = JobMetricsSchedulingAutoConfiguration.class
			.getAnnotation(AutoConfiguration.class);
		assertThat(ordering.after()).containsExactly(JobMetricsAutoConfiguration.class);
		// By name, one class on every supported Boot line.
		assertThat(ordering.afterName()).containsExactly(TaskSchedulingAutoConfiguration.class.getName());
	}

	@Test
	void backsOffWithoutTheCoreTracer() {
		this.contextRunner.withPropertyValues("job-metrics.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(ScheduledJobsConfigurer.class)
				.doesNotHaveBean(WorkerCapacityMeters.class));
	}

	@Test
	void backsOffWithoutTheSchedulingClassesItUses() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(TaskSchedulerRouter.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(ScheduledJobsConfigurer.class)
				.doesNotHaveBean(WorkerCapacityMeters.class));
	}

	@Test
	void backsOffWhenTheApplicationDefinesItsOwnConfigurer() {
		ScheduledJobsConfigurer own = new ScheduledJobsConfigurer((name, queue) -> io.github.jobmetrics.JobRun.noop(),
				new SimpleMeterRegistry(), false);
		this.contextRunner.withBean("ownConfigurer", ScheduledJobsConfigurer.class, () -> own)
			.run((context) -> assertThat(context.getBean(ScheduledJobsConfigurer.class)).isSameAs(own));
	}

	@Test
	void coreAloneHasNoSchedulingBeans() {
		new ApplicationContextRunner()
			.withConfiguration(BootMetricsAutoConfigurations.with(JobMetricsAutoConfiguration.class))
			.withConfiguration(AutoConfigurations.of(TaskSchedulingAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(ScheduledJobsConfigurer.class));
	}

}
