package io.github.jobmetrics.scheduling;

import java.util.concurrent.TimeUnit;

import io.github.jobmetrics.JobRun;
import io.github.jobmetrics.JobTracer;
import io.github.jobmetrics.internal.MeteringFailures;
import io.github.jobmetrics.internal.TracedRunScope;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;

import org.springframework.scheduling.SchedulingAwareRunnable;

/**
 * Wraps one scheduled task: records how late each run started and, for a job traced by zero-code, runs it
 * as a run of its job, inside the nested-run scope as a {@code @TracedJob} method is. Metrics failures are logged
 * and never reach the task, whose exceptions pass through unchanged to the scheduler's error handler.
 */
final class ScheduledRun implements SchedulingAwareRunnable {

	private final Runnable task;

	private final ScheduledJob job;

	private final PlannedStarts plannedStarts;

	private final Timer lag;

	private final @Nullable JobTracer tracer;

	/**
	 * @param tracer the tracer to run the task through, {@code null} when an explicit {@code @TracedJob}
	 * already traces it
	 */
	ScheduledRun(Runnable task, ScheduledJob job, PlannedStarts plannedStarts, Timer lag,
			@Nullable JobTracer tracer) {
		this.task = task;
		this.job = job;
		this.plannedStarts = plannedStarts;
		this.lag = lag;
		this.tracer = tracer;
	}

	@Override
	public void run() {
		recordLag();
		JobRun run = start();
		// As for a @TracedJob method: runs that the body starts on this thread (a traced service it calls) are
		// nested, so that they add no worked time of their own and the thread is counted once. The noop run (an
		// explicit @TracedJob traces the task, or the tracer failed) enters no scope and hides nothing.
		// It is also where a lock refused on this thread finds the run to skip.
		int outer = TracedRunScope.enter(run);
		try {
			this.task.run();
		}
		catch (Throwable ex) {
			failed(run, ex);
			throw ex;
		}
		finally {
			TracedRunScope.exit(outer);
			close(run);
			this.plannedStarts.runFinished();
		}
	}

	private void recordLag() {
		try {
			long lag = this.plannedStarts.lagOfRunStartingNow();
			if (lag != PlannedStarts.UNKNOWN) {
				// A run that starts a little early (the trigger's wall clock against the executor's
				// monotonic one) is on time.
				this.lag.record(Math.max(lag, 0), TimeUnit.NANOSECONDS);
			}
		}
		catch (RuntimeException | LinkageError ex) {
			MeteringFailures.log("record the schedule lag of job '" + this.job.name() + "'", ex);
		}
	}

	private JobRun start() {
		if (this.tracer == null) {
			return JobRun.noop();
		}
		try {
			return this.tracer.start(this.job.name(), this.job.queue());
		}
		catch (RuntimeException | LinkageError ex) {
			MeteringFailures.log("start a run of job '" + this.job.name() + "'", ex);
			return JobRun.noop();
		}
	}

	private void failed(JobRun run, Throwable failure) {
		try {
			run.failed(failure);
		}
		catch (RuntimeException | LinkageError ex) {
			MeteringFailures.log("record the failure of a run of job '" + this.job.name() + "'", ex);
		}
	}

	private void close(JobRun run) {
		try {
			run.close();
		}
		catch (RuntimeException | LinkageError ex) {
			MeteringFailures.log("end a run of job '" + this.job.name() + "'", ex);
		}
	}

	// The scheduler routes a task by its qualifier (@Scheduled(scheduler = ...)), and Spring Boot's
	// scheduledtasks endpoint names it by toString(): both must see the task, not this wrapper.
	@Override
	public @Nullable String getQualifier() {
		return (this.task instanceof SchedulingAwareRunnable aware) ? aware.getQualifier() : null;
	}

	@Override
	public boolean isLongLived() {
		return (this.task instanceof SchedulingAwareRunnable aware) ? aware.isLongLived() : false;
	}

	@Override
	public String toString() {
		return this.task.toString();
	}

}
