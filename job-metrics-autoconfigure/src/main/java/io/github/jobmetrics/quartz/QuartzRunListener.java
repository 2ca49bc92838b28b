package io.github.jobmetrics.quartz;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.github.jobmetrics.JobRun;
import io.github.jobmetrics.aop.TracedJobAdvisor;
import io.github.jobmetrics.internal.MeteringFailures;
import io.github.jobmetrics.internal.TracedRunScope;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.JobListener;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.quartz.Trigger.CompletedExecutionInstruction;
import org.quartz.TriggerListener;
import org.quartz.listeners.SchedulerListenerSupport;

import org.springframework.aop.Advisor;
import org.springframework.aop.framework.Advised;

/**
 * Makes every execution of a Quartz job a run of its job, from {@code jobToBeExecuted} to {@code jobWasExecuted}
 * on the worker thread, so that it counts in {@code job_worked_seconds_total} while it runs; records how late it
 * started against its trigger's scheduled fire time, and counts the misfires of each job's triggers.
 * <p>
 * A vetoed execution is no run: Quartz tells a veto instead of {@code jobToBeExecuted}, never after it. A job class
 * whose {@code @TracedJob} method runs through the advisor (the job instance is a proxy of it) is traced by the
 * advisor alone, so that no execution is counted twice; the listener then records only its lag. Metrics failures
 * are logged and never reach the job.
 */
final class QuartzRunListener extends SchedulerListenerSupport implements JobListener, TriggerListener {

	static final String NAME = "job-metrics";

	// How Quartz's JobRunShell begins the message of a failure of the job listeners, before or after the job.
	private static final String LISTENERS_FAILED = "Unable to notify JobListener(s) of Job ";

	private static final Log logger = LogFactory.getLog(QuartzRunListener.class);

	private final QuartzJobs jobs;

	// The run of the execution on each worker thread: Quartz calls jobToBeExecuted, the job and jobWasExecuted on
	// the one thread of its pool that runs the execution.
	private final ThreadLocal<@Nullable OpenRun> open = new ThreadLocal<>();

	// Whether instances of each job class are proxies that the advisor traces: bounded by the code.
	private final Map<Class<?>, Boolean> advised = new ConcurrentHashMap<>();

	private final Set<Class<?>> warnedUnproxied = ConcurrentHashMap.newKeySet();

	QuartzRunListener(QuartzJobs jobs) {
		this.jobs = jobs;
	}

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public void jobToBeExecuted(JobExecutionContext context) {
		closeAbandoned();
		try {
			QuartzJob job = this.jobs.of(context.getJobDetail());
			recordLag(job, context);
			if (tracesHere(job, context.getJobInstance())) {
				JobRun run = this.jobs.tracer().start(job.name(), job.queue());
				// The job's body runs between this and jobWasExecuted on this thread: what it traces itself is
				// nested in this run, and adds no worked time to this thread's.
				int outer = TracedRunScope.enter(run);
				this.open.set(new OpenRun(run, outer, job.name()));
			}
		}
		catch (RuntimeException | LinkageError ex) {
			MeteringFailures.log("start a run of Quartz job '" + context.getJobDetail().getKey() + "'", ex);
		}
	}

	@Override
	public void jobWasExecuted(JobExecutionContext context, @Nullable JobExecutionException failure) {
		OpenRun run = this.open.get();
		if (run == null) {
			return;
		}
		this.open.remove();
		TracedRunScope.exit(run.outer());
		try {
			if (failure != null) {
				Throwable cause = unwrapped(failure);
				if (failure.refireImmediately()) {
					run.run().retrying(cause);
				}
				else {
					run.run().failed(cause);
				}
			}
		}
		catch (RuntimeException | LinkageError ex) {
			MeteringFailures.log("record the failure of a run of Quartz job '" + run.jobName() + "'", ex);
		}
		close(run);
	}

	@Override
	public void jobExecutionVetoed(JobExecutionContext context) {
		// Quartz tells a veto before jobToBeExecuted, so nothing of this execution is open.
	}

	/**
	 * Quartz tells its scheduler listeners, on the worker thread, when a job listener after this one threw in
	 * {@code jobToBeExecuted} (the job will not run) or one before it threw in {@code jobWasExecuted} (this one is
	 * not called): either way the execution is over, and its run must not stay in flight. It is ended as
	 * {@code cancelled}, since its outcome never reached this listener. Quartz also tells here, before
	 * {@code jobWasExecuted}, that the job itself threw: that run stays open for {@code jobWasExecuted} to end.
	 */
	@Override
	public void schedulerError(String message, SchedulerException cause) {
		if (message != null && message.startsWith(LISTENERS_FAILED)) {
			closeAbandoned();
		}
	}

	@Override
	public void triggerMisfired(Trigger trigger) {
		try {
			this.jobs.of(trigger.getJobKey()).misfires().increment();
		}
		catch (RuntimeException | LinkageError ex) {
			MeteringFailures.log("count a misfire of Quartz job '" + trigger.getJobKey() + "'", ex);
		}
	}

	@Override
	public void triggerFired(Trigger trigger, JobExecutionContext context) {
	}

	@Override
	public boolean vetoJobExecution(Trigger trigger, JobExecutionContext context) {
		return false;
	}

	@Override
	public void triggerComplete(Trigger trigger, JobExecutionContext context,
			CompletedExecutionInstruction triggerInstructionCode) {
	}

	private void recordLag(QuartzJob job, JobExecutionContext context) {
		if (context.getScheduledFireTime() == null) {
			return;
		}
		long lag = this.jobs.registry().config().clock().wallTime() - context.getScheduledFireTime().getTime();
		// A run that starts a little early (the scheduler thread's clock reading against this one) is on time.
		job.lag().record(Math.max(lag, 0), TimeUnit.MILLISECONDS);
	}

	private boolean tracesHere(QuartzJob job, Job instance) {
		if (!job.jobClass().annotated()) {
			return this.jobs.traceExecutions();
		}
		if (isAdvised(instance)) {
			return false;
		}
		if (this.warnedUnproxied.add(instance.getClass())) {
			logger.warn("job-metrics: the @TracedJob of Quartz job class " + instance.getClass().getName()
					+ " does not apply, since its instances are not Spring proxies (the scheduler's JobFactory does not"
					+ " create them as beans, as Spring Boot's SpringBeanJobFactory does). "
					+ (this.jobs.traceExecutions() ? "Its executions are traced zero-code as '" + job.name() + "'."
							: "Its executions are not traced: set job-metrics.instrument.quartz=true to trace every "
									+ "Quartz job from the scheduler."));
		}
		return this.jobs.traceExecutions();
	}

	private boolean isAdvised(Job instance) {
		Boolean known = this.advised.get(instance.getClass());
		if (known != null) {
			return known;
		}
		boolean advised = false;
		if (instance instanceof Advised proxy) {
			for (Advisor advisor : proxy.getAdvisors()) {
				advised |= advisor instanceof TracedJobAdvisor;
			}
		}
		this.advised.put(instance.getClass(), advised);
		return advised;
	}

	// Quartz wraps what a job throws: an exception other than JobExecutionException in a JobExecutionException
	// around a SchedulerException. The exception label names what the job threw.
	private static Throwable unwrapped(JobExecutionException failure) {
		Throwable cause = failure;
		while (cause instanceof SchedulerException && cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause;
	}

	private void closeAbandoned() {
		OpenRun abandoned = this.open.get();
		if (abandoned != null) {
			this.open.remove();
			TracedRunScope.exit(abandoned.outer());
			try {
				abandoned.run().cancelled();
			}
			catch (RuntimeException | LinkageError ex) {
				MeteringFailures.log("cancel an abandoned run of Quartz job '" + abandoned.jobName() + "'", ex);
			}
			close(abandoned);
		}
	}

	private static void close(OpenRun run) {
		try {
			run.run().close();
		}
		catch (RuntimeException | LinkageError ex) {
			MeteringFailures.log("end a run of Quartz job '" + run.jobName() + "'", ex);
		}
	}

	private record OpenRun(JobRun run, int outer, String jobName) {
	}

}
