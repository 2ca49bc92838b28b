package io.github.jobmetrics.scheduling;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;

import org.jspecify.annotations.Nullable;

import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.Trigger;

/**
 * Decorates the scheduler of the {@code ScheduledTaskRegistrar}: every task of a known job is wrapped with
 * the times at which the scheduler plans its runs; any other task reaches the scheduler untouched. Only
 * the scheduling calls are intercepted: the returned futures are the scheduler's own.
 */
final class JobTracingTaskScheduler implements TaskScheduler {

	private final TaskScheduler scheduler;

	private final ScheduledJobs jobs;

	JobTracingTaskScheduler(TaskScheduler scheduler, ScheduledJobs jobs) {
		this.scheduler = scheduler;
		this.jobs = jobs;
	}

	TaskScheduler scheduler() {
		return this.scheduler;
	}

	@Override
	public Clock getClock() {
		return this.scheduler.getClock();
	}

	@Override
	public @Nullable ScheduledFuture<?> schedule(Runnable task, Trigger trigger) {
		ScheduledJob job = this.jobs.jobOf(task);
		if (job == null) {
			return this.scheduler.schedule(task, trigger);
		}
		PlannedStarts.FromTrigger planned = new PlannedStarts.FromTrigger(trigger, getClock());
		return this.scheduler.schedule(this.jobs.wrap(task, job, planned), planned);
	}

	@Override
	public ScheduledFuture<?> schedule(Runnable task, Instant startTime) {
		ScheduledJob job = this.jobs.jobOf(task);
		if (job == null) {
			return this.scheduler.schedule(task, startTime);
		}
		return this.scheduler.schedule(this.jobs.wrap(task, job, new PlannedStarts.Once(startTime, getClock())),
				startTime);
	}

	@Override
	public ScheduledFuture<?> scheduleAtFixedRate(Runnable task, Instant startTime, Duration period) {
		ScheduledJob job = this.jobs.jobOf(task);
		if (job == null) {
			return this.scheduler.scheduleAtFixedRate(task, startTime, period);
		}
		PlannedStarts planned = new PlannedStarts.FixedRate(firstStart(startTime), period);
		return this.scheduler.scheduleAtFixedRate(this.jobs.wrap(task, job, planned), startTime, period);
	}

	@Override
	public ScheduledFuture<?> scheduleAtFixedRate(Runnable task, Duration period) {
		ScheduledJob job = this.jobs.jobOf(task);
		if (job == null) {
			return this.scheduler.scheduleAtFixedRate(task, period);
		}
		PlannedStarts planned = new PlannedStarts.FixedRate(System.nanoTime(), period);
		return this.scheduler.scheduleAtFixedRate(this.jobs.wrap(task, job, planned), period);
	}

	@Override
	public ScheduledFuture<?> scheduleWithFixedDelay(Runnable task, Instant startTime, Duration delay) {
		ScheduledJob job = this.jobs.jobOf(task);
		if (job == null) {
			return this.scheduler.scheduleWithFixedDelay(task, startTime, delay);
		}
		PlannedStarts planned = new PlannedStarts.FixedDelay(firstStart(startTime), delay);
		return this.scheduler.scheduleWithFixedDelay(this.jobs.wrap(task, job, planned), startTime, delay);
	}

	@Override
	public ScheduledFuture<?> scheduleWithFixedDelay(Runnable task, Duration delay) {
		ScheduledJob job = this.jobs.jobOf(task);
		if (job == null) {
			return this.scheduler.scheduleWithFixedDelay(task, delay);
		}
		PlannedStarts planned = new PlannedStarts.FixedDelay(System.nanoTime(), delay);
		return this.scheduler.scheduleWithFixedDelay(this.jobs.wrap(task, job, planned), delay);
	}

	// The conversion Spring's schedulers make (the start time less their clock's now, as a delay on the
	// monotonic clock), done a moment before theirs: the lag is overstated by nanoseconds, never understated.
	private long firstStart(Instant startTime) {
		return System.nanoTime() + Duration.between(getClock().instant(), startTime).toNanos();
	}

	@Override
	public String toString() {
		return this.scheduler.toString();
	}

}
