package io.github.jobmetrics.quartz;

import java.util.function.Supplier;

import io.github.jobmetrics.JobTracer;
import io.github.jobmetrics.internal.MeteringFailures;
import io.github.jobmetrics.internal.WorkerCapacityGauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.quartz.JobKey;
import org.quartz.ListenerManager;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.impl.matchers.GroupMatcher;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.beans.factory.config.EmbeddedValueResolver;
import org.springframework.util.StringValueResolver;

/**
 * Traces the jobs of every Quartz {@link Scheduler} bean, with no code in the jobs: each execution is a run of its
 * job, from the moment Quartz hands it to a worker thread until it returns, so that it counts in
 * {@code job_worked_seconds_total} and {@code job_inflight} while it runs. A job is named after its
 * {@link JobKey}: the name alone in Quartz's {@code DEFAULT} group, {@code group.name} in any other; a job class
 * whose method that Quartz runs carries {@code @TracedJob} keeps the name and queue it gives.
 * <p>
 * Besides the tracer's meters of each job, it publishes:
 * <table>
 * <caption>Meters</caption>
 * <tr><th>Name (Prometheus)</th><th>Type</th><th>Tags</th><th>Meaning</th></tr>
 * <tr><td>{@code job.schedule.lag} ({@code job_schedule_lag_seconds})</td><td>Timer with buckets</td>
 * <td>{@code job.name}, {@code queue}</td><td>how late each execution started against its trigger's scheduled
 * fire time</td></tr>
 * <tr><td>{@code job.misfires} ({@code job_misfires_total})</td><td>Counter</td><td>{@code job.name},
 * {@code queue}</td><td>fire times of the job's triggers that the scheduler missed by more than its misfire
 * threshold (no free thread, scheduler paused or down), as Quartz tells {@code TriggerListener.triggerMisfired}</td></tr>
 * <tr><td>{@code job.schedule.pool} ({@code job_schedule_pool})</td><td>Gauge</td><td>{@code job.name},
 * {@code queue}, {@code pool} (the scheduler's name)</td><td>1 for each job, naming the scheduler that runs it, so
 * that saturation divides a scheduler's own jobs by its own capacity</td></tr>
 * <tr><td>{@code job.worker.capacity} ({@code job_worker_capacity})</td><td>Gauge</td><td>{@code pool} (the
 * scheduler's name), {@code queue} ({@code none})</td><td>the size of the scheduler's thread pool</td></tr>
 * </table>
 * <p>
 * Results: an execution ends as a {@code success}, a {@code retry} when the job threw a
 * {@code JobExecutionException} that asks Quartz to refire it immediately, else a {@code failure} (the
 * {@code exception} label names what the job threw, not Quartz's wrapper). A vetoed execution is no run. With a
 * clustered (JDBC) job store, the node that executes a job counts its run. Jobs known to a scheduler once all
 * singletons exist have their meters built then, so that their series read 0 before their first run; the caps on
 * job names of the lag, misfire and pool meters apply per scheduler. Without
 * {@code traceExecutions} only jobs with {@code @TracedJob} are traced; lag, misfires and capacity are always
 * published.
 *
 * @since 0.3.0
 */
public final class QuartzJobMetrics implements SmartInitializingSingleton, BeanFactoryAware {

	private final Supplier<JobTracer> tracer;

	private final Supplier<MeterRegistry> registry;

	private final boolean traceExecutions;

	private final int maxJobNames;

	private ListableBeanFactory beanFactory;

	/**
	 * Creates the binder.
	 * @param tracer supplies the tracer that records each run
	 * @param registry supplies the registry of the lag, misfire and capacity meters
	 * @param traceExecutions whether every execution is a run, not only those of jobs with {@code @TracedJob}
	 * @param maxJobNames the cap on distinct job names of the lag and misfire meters
	 */
	public QuartzJobMetrics(Supplier<JobTracer> tracer, Supplier<MeterRegistry> registry, boolean traceExecutions,
			int maxJobNames) {
		this.tracer = tracer;
		this.registry = registry;
		this.traceExecutions = traceExecutions;
		this.maxJobNames = maxJobNames;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = (ListableBeanFactory) beanFactory;
	}

	// Once every singleton exists, Spring's SchedulerFactoryBean has created its scheduler and stored the jobs and
	// triggers of the application, but not started it: it starts with the context's lifecycle, after this.
	@Override
	public void afterSingletonsInstantiated() {
		StringValueResolver values = (this.beanFactory instanceof ConfigurableBeanFactory configurable)
				? new EmbeddedValueResolver(configurable) : null;
		this.beanFactory.getBeansOfType(Scheduler.class, false, false)
			.forEach((beanName, scheduler) -> instrument(scheduler, values));
	}

	private void instrument(Scheduler scheduler, @Nullable StringValueResolver values) {
		String name = schedulerName(scheduler);
		QuartzJobs jobs;
		try {
			jobs = new QuartzJobs(this.tracer.get(), this.registry.get(), name, this.traceExecutions,
					this.maxJobNames, values);
			QuartzRunListener listener = new QuartzRunListener(jobs);
			// Added, not set: SchedulerFactoryBean.setGlobalJobListeners would replace the application's own.
			ListenerManager listeners = scheduler.getListenerManager();
			listeners.addJobListener(listener);
			listeners.addTriggerListener(listener);
			listeners.addSchedulerListener(listener);
		}
		catch (SchedulerException | RuntimeException | LinkageError ex) {
			MeteringFailures.log("set up the tracing of the jobs of Quartz scheduler '" + name + "'", ex);
			return;
		}
		WorkerCapacityGauge.register(jobs.registry(), name, QuartzJobs.NONE, scheduler, QuartzJobMetrics::capacity);
		try {
			for (String group : scheduler.getJobGroupNames()) {
				for (JobKey key : scheduler.getJobKeys(GroupMatcher.jobGroupEquals(group))) {
					org.quartz.JobDetail detail = scheduler.getJobDetail(key);
					if (detail != null) {
						jobs.register(detail);
					}
				}
			}
		}
		catch (SchedulerException | RuntimeException | LinkageError ex) {
			MeteringFailures.log("register the meters of the jobs of Quartz scheduler '" + name + "'", ex);
		}
	}

	private static String schedulerName(Scheduler scheduler) {
		try {
			return scheduler.getSchedulerName();
		}
		catch (SchedulerException ex) {
			return "quartzScheduler";
		}
	}

	static double capacity(Scheduler scheduler) {
		try {
			return scheduler.getMetaData().getThreadPoolSize();
		}
		catch (SchedulerException ex) {
			return Double.NaN;
		}
	}

}
