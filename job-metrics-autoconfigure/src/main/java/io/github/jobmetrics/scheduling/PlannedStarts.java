package io.github.jobmetrics.scheduling;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

import org.springframework.scheduling.Trigger;
import org.springframework.scheduling.TriggerContext;

/**
 * When each run of one scheduled task was planned to start, taken from the same inputs and arithmetic the
 * scheduler itself uses, so that the lag is what the scheduler would say it is.
 */
interface PlannedStarts {

	/**
	 * What {@link #lagOfRunStartingNow()} returns when it cannot tell.
	 */
	long UNKNOWN = Long.MIN_VALUE;

	/**
	 * Returns how late the run starting now is, in nanoseconds (negative if early), or {@link #UNKNOWN}.
	 */
	long lagOfRunStartingNow();

	/**
	 * Notes that a run has just finished.
	 */
	default void runFinished() {
	}

	/**
	 * A fixed rate: the executor plans run n at the first start plus n periods, however late earlier runs
	 * were (it never skips a run), all in {@link System#nanoTime()}.
	 */
	final class FixedRate implements PlannedStarts {

		private final long firstStart;

		private final long period;

		private final AtomicLong runs = new AtomicLong();

		FixedRate(long firstStart, Duration period) {
			this.firstStart = firstStart;
			this.period = period.toNanos();
		}

		@Override
		public long lagOfRunStartingNow() {
			return System.nanoTime() - (this.firstStart + this.runs.getAndIncrement() * this.period);
		}

	}

	/**
	 * A fixed delay: the executor plans each run one delay after the previous run finished, so the lag is
	 * only the time the run waited beyond that delay (for a free worker, or through a pause), never the
	 * length of the previous run.
	 */
	final class FixedDelay implements PlannedStarts {

		private final long delay;

		private volatile long nextStart;

		FixedDelay(long firstStart, Duration delay) {
			this.nextStart = firstStart;
			this.delay = delay.toNanos();
		}

		@Override
		public long lagOfRunStartingNow() {
			return System.nanoTime() - this.nextStart;
		}

		@Override
		public void runFinished() {
			this.nextStart = System.nanoTime() + this.delay;
		}

	}

	/**
	 * A trigger, such as a cron expression: each time the scheduler asks it for the next execution, the
	 * answer is the planned start of a run, compared with the scheduler's own clock when that run starts.
	 * A queue rather than one field because a scheduler that hands runs off to other threads (such as
	 * {@code SimpleAsyncTaskScheduler}) may plan the next run before the current one has started.
	 */
	final class FromTrigger implements PlannedStarts, Trigger {

		private final Trigger trigger;

		private final Clock clock;

		private final Queue<Instant> planned = new ConcurrentLinkedQueue<>();

		FromTrigger(Trigger trigger, Clock clock) {
			this.trigger = trigger;
			this.clock = clock;
		}

		@Override
		public @Nullable Instant nextExecution(TriggerContext triggerContext) {
			Instant next = this.trigger.nextExecution(triggerContext);
			if (next != null) {
				this.planned.offer(next);
			}
			return next;
		}

		@Override
		public long lagOfRunStartingNow() {
			Instant start = this.planned.poll();
			return (start != null) ? Duration.between(start, this.clock.instant()).toNanos() : UNKNOWN;
		}

		@Override
		public String toString() {
			return this.trigger.toString();
		}

	}

	/**
	 * A single run at a given time of the scheduler's clock.
	 */
	record Once(Instant start, Clock clock) implements PlannedStarts {

		@Override
		public long lagOfRunStartingNow() {
			return Duration.between(this.start, this.clock.instant()).toNanos();
		}

	}

}
