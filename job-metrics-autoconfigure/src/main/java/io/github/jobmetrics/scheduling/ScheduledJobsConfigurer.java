package io.github.jobmetrics.scheduling;

import io.github.jobmetrics.JobTracer;
import io.github.jobmetrics.internal.MeteringFailures;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.core.Ordered;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;

/**
 * Measures the {@code @Scheduled} methods of the application: for every run of a traced job, how late it
 * started against the time its schedule planned ({@code job.schedule.lag}, a timer tagged {@code job.name}
 * and {@code queue}, with buckets from 1 ms to 10 min); and, when unannotated methods are traced, each run
 * of every {@code @Scheduled} method as a run of the job {@code SimpleClassName.method} with no queue,
 * registered at start-up. A method with an explicit {@link io.github.jobmetrics.TracedJob @TracedJob} is
 * traced by that annotation only, under its name. For every such job, {@code job.schedule.pool} (a gauge of 1
 * tagged {@code job.name}, {@code queue} and {@code pool}) names the scheduler bean that runs it, the {@code pool}
 * of that scheduler's {@code job.worker.capacity}, so that the saturation of each scheduler pool counts the worked
 * time of its own jobs only.
 * <p>
 * It decorates the scheduler of the {@link ScheduledTaskRegistrar}, and is therefore ordered last, after
 * configurers that choose the scheduler: only the scheduler knows when it plans each run. Tasks that are not
 * {@code @Scheduled} methods of beans (such as a {@code Runnable} added by a {@code SchedulingConfigurer})
 * have no stable name: they reach the scheduler untouched.
 *
 * @since 0.3.0
 */
public final class ScheduledJobsConfigurer implements SchedulingConfigurer, BeanFactoryAware, Ordered {

	private final JobTracer tracer;

	private final MeterRegistry registry;

	private final boolean traceUnannotated;

	private ListableBeanFactory beanFactory;

	/**
	 * Creates a configurer.
	 * @param tracer the tracer that runs of unannotated methods are traced through
	 * @param registry the registry of the schedule lag meters
	 * @param traceUnannotated whether to trace {@code @Scheduled} methods without {@code @TracedJob}
	 */
	public ScheduledJobsConfigurer(JobTracer tracer, MeterRegistry registry, boolean traceUnannotated) {
		this.tracer = tracer;
		this.registry = registry;
		this.traceUnannotated = traceUnannotated;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = (ListableBeanFactory) beanFactory;
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

	@Override
	public void configureTasks(ScheduledTaskRegistrar taskRegistrar) {
		TaskScheduler scheduler = taskRegistrar.getScheduler();
		if (scheduler == null || scheduler instanceof JobTracingTaskScheduler) {
			return;
		}
		try {
			ScheduledJobs jobs = new ScheduledJobs(this.beanFactory, this.tracer, this.registry,
					this.traceUnannotated, new SchedulerPools(this.beanFactory, scheduler));
			taskRegistrar.setTaskScheduler(new JobTracingTaskScheduler(scheduler, jobs));
		}
		catch (RuntimeException | LinkageError ex) {
			// The tasks then run exactly as without job-metrics.
			MeteringFailures.log("register the scheduled jobs", ex);
		}
	}

}
