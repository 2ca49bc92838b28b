package io.github.jobmetrics.scheduling;

import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.jobmetrics.JobTracer;
import io.github.jobmetrics.internal.MeteringFailures;
import io.github.jobmetrics.internal.ScheduleLagTimers;
import io.github.jobmetrics.internal.SchedulePoolGauges;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.scheduling.annotation.Schedules;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * The jobs of the application's {@code @Scheduled} methods, found once all beans exist, the meters of their
 * schedule lag, and the scheduler pool that runs each ({@code job.schedule.pool}).
 * <p>
 * The scheduler receives each task behind a private wrapper of Spring Framework ({@code Task}) whose only
 * window onto the {@code ScheduledMethodRunnable} inside is {@code toString()}: declaring class name, dot,
 * method name ({@link TaskNames}). Spring Boot's {@code scheduledtasks} endpoint names tasks the same way, so a
 * task is matched to its method by that string.
 */
final class ScheduledJobs {

	private static final Log logger = LogFactory.getLog(ScheduledJobs.class);

	private static final ScheduledJob AMBIGUOUS = new ScheduledJob("", "", false);

	private static final ScheduledJob NONE = new ScheduledJob("", "", false);

	private final Map<String, ScheduledJob> byTask = new ConcurrentHashMap<>();

	private final @Nullable ClassLoader classLoader;

	private final JobTracer tracer;

	private final MeterRegistry registry;

	private final boolean traceUnannotated;

	private final Map<ScheduledJob, Timer> lagTimers = new ConcurrentHashMap<>();

	private final SchedulerPools pools;

	// The pool each job was first seen scheduled on: one job_schedule_pool series per job, so that the saturation
	// rules can join on it (a job scheduled on two pools is attributed to the first).
	private final Map<ScheduledJob, String> poolOfJob = new ConcurrentHashMap<>();

	ScheduledJobs(ListableBeanFactory beanFactory, JobTracer tracer, MeterRegistry registry,
			boolean traceUnannotated, SchedulerPools pools) {
		this.pools = pools;
		this.tracer = tracer;
		this.registry = registry;
		this.traceUnannotated = traceUnannotated;
		this.classLoader = (beanFactory instanceof ConfigurableBeanFactory configurable)
				? configurable.getBeanClassLoader() : ClassUtils.getDefaultClassLoader();
		this.byTask.putAll(find(beanFactory, traceUnannotated));
		if (!this.byTask.isEmpty()) {
			// Warns once if this Spring Framework names the tasks otherwise (nothing would match them then).
			TaskNames.matchSpringFramework();
		}
		this.byTask.forEach((task, job) -> {
			if (job == AMBIGUOUS) {
				logger.warn("job-metrics cannot tell apart the beans whose @Scheduled method " + task
						+ " it inherits, so it records no schedule lag for them"
						+ (traceUnannotated ? " and does not trace them" : "")
						+ ". Declare the method in each bean class, or trace it with @TracedJob.");
			}
			else {
				register(job);
			}
		});
	}

	// Beans are read by type, without creating any: all singletons exist when the registrar is configured.
	private static Map<String, ScheduledJob> find(ListableBeanFactory beanFactory, boolean traceUnannotated) {
		Map<String, ScheduledJob> jobs = new HashMap<>();
		for (String beanName : beanFactory.getBeanDefinitionNames()) {
			Class<?> type = beanFactory.getType(beanName, false);
			if (type == null) {
				continue;
			}
			Class<?> userClass = ClassUtils.getUserClass(type);
			if (!AnnotationUtils.isCandidateClass(userClass, List.of(Scheduled.class, Schedules.class))) {
				continue;
			}
			MethodIntrospector.selectMethods(userClass, (MethodIntrospector.MetadataLookup<Boolean>) (
					method) -> isScheduled(method) ? Boolean.TRUE : null).keySet().forEach((method) -> {
						ScheduledJob job = ScheduledJob.resolve(method, userClass, traceUnannotated);
						if (job != null) {
							jobs.merge(TaskNames.of(method), job, (one, other) -> one.equals(other) ? one : AMBIGUOUS);
						}
					});
		}
		return jobs;
	}

	private static boolean isScheduled(Method method) {
		return !AnnotatedElementUtils.getMergedRepeatableAnnotations(method, Scheduled.class, Schedules.class)
			.isEmpty();
	}

	// A registry that fails here must not stop the task from being scheduled: wrap() then leaves it as it is.
	private void register(ScheduledJob job) {
		try {
			if (job.tracedByScheduler()) {
				this.tracer.register(job.name(), job.queue());
			}
			lagTimer(job);
		}
		catch (RuntimeException | LinkageError ex) {
			MeteringFailures.log("register the meters of scheduled job '" + job.name() + "'", ex);
		}
	}

	/**
	 * Returns the job of a task handed to the scheduler, {@code null} for a task of no known job.
	 */
	@Nullable ScheduledJob jobOf(Runnable task) {
		String name = task.toString();
		ScheduledJob job = this.byTask.computeIfAbsent(name, this::resolveMethodRunnable);
		return (job != AMBIGUOUS && job != NONE) ? job : null;
	}

	// A SchedulingConfigurer may schedule a ScheduledMethodRunnable of its own: its toString() names a
	// class and a method without parameters that can be loaded; anything else (a lambda, a class without
	// such a toString()) has no stable name and maps to NONE.
	private ScheduledJob resolveMethodRunnable(String taskName) {
		int dot = taskName.lastIndexOf('.');
		if (dot > 0 && ClassUtils.isPresent(taskName.substring(0, dot), this.classLoader)) {
			Class<?> type = ClassUtils.resolveClassName(taskName.substring(0, dot), this.classLoader);
			Method method = ReflectionUtils.findMethod(type, taskName.substring(dot + 1));
			ScheduledJob job = (method != null) ? ScheduledJob.resolve(method, type, this.traceUnannotated) : null;
			if (job != null) {
				register(job);
				return job;
			}
		}
		if (this.traceUnannotated) {
			logger.info("job-metrics does not trace the scheduled task '" + taskName
					+ "': it is neither a @Scheduled method of a bean nor a ScheduledMethodRunnable (for example a"
					+ " lambda added by a SchedulingConfigurer), so it has no stable job name. Trace its work with"
					+ " JobTracer.trace(name, null, runnable), or with @TracedJob on the bean method it calls.");
		}
		return NONE;
	}

	Runnable wrap(Runnable task, ScheduledJob job, PlannedStarts plannedStarts) {
		try {
			registerPool(task, job);
		}
		catch (RuntimeException | LinkageError ex) {
			MeteringFailures.log("register the scheduler pool of job '" + job.name() + "'", ex);
		}
		Timer lag;
		try {
			lag = lagTimer(job);
		}
		catch (RuntimeException | LinkageError ex) {
			MeteringFailures.log("build the schedule lag timer of job '" + job.name() + "'", ex);
			return task;
		}
		return new ScheduledRun(task, job, plannedStarts, lag, job.tracedByScheduler() ? this.tracer : null);
	}

	// job_schedule_pool tells the worked time of scheduled jobs from the rest of queue="none" (@Async, HTTP-triggered
	// and JobTracer work), and names the pool whose job_worker_capacity it uses. Its job names are those of the
	// scheduled methods, a set the code fixes, like those of job.schedule.lag.
	private void registerPool(Runnable task, ScheduledJob job) {
		if (this.poolOfJob.containsKey(job)) {
			return;
		}
		String pool = this.pools.poolOf(task);
		if (pool != null && this.poolOfJob.putIfAbsent(job, pool) == null) {
			SchedulePoolGauges.register(this.registry, job.name(), job.queue(), pool);
		}
	}

	private Timer lagTimer(ScheduledJob job) {
		return this.lagTimers.computeIfAbsent(job,
				(key) -> ScheduleLagTimers.register(this.registry, key.name(), key.queue()));
	}

}
