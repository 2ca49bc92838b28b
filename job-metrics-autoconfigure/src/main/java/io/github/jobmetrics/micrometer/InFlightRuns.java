package io.github.jobmetrics.micrometer;

import java.util.function.Consumer;

import io.micrometer.core.instrument.Clock;
import org.jspecify.annotations.Nullable;

/**
 * The runs of one job that are in progress, kept so that the job's worked time can be read at any instant.
 * <p>
 * Worked time at instant t is the sum of finished durations plus {@code t - start} for each working run in
 * flight, which is {@code base + working * t} with {@code base = finished - sum(starts)}. A start subtracts
 * its instant from {@code base}, an end adds its instant, so both and every read are O(1), however many runs
 * are in flight. A nested run (started inside the scope of another traced run on its thread) is in flight,
 * for the gauge and the oldest age, but not working: the enclosing run already counts its thread, so it
 * touches neither {@code base} nor {@code working}, and its worked time is 0 by construction.
 * <p>
 * The trade-off: start, end and read share one lock, and each reads the clock inside it. That is what makes
 * the value honest: a read sees a state and an instant that belong together, so it can never count a run that
 * has ended as still running. The lock is held for a few field updates, so contention stays short even when
 * many workers run the same job.
 * <p>
 * Reads never go backwards. The monotonic clock may step back by a little between cores, so every instant is
 * clamped to the latest one already used ({@code lastNow}): then each end adds at least what its run had
 * contributed to the previous read, and each read is at least the one before it. Durations are never
 * negative for the same reason.
 * <p>
 * {@code base} and {@code working * t} may overflow a {@code long} on their own; their sum is the true worked
 * time, which fits, and two's complement arithmetic gives it exactly.
 * <p>
 * Runs are linked in start order (each start takes the clock under the lock), so the oldest run in flight
 * is the head of the list, and unlinking an ending run is O(1).
 */
final class InFlightRuns {

	private final Clock clock;

	private long base;

	// Runs in flight, nested or not: the gauge.
	private int count;

	// Runs in flight that add to worked time: those not nested in another traced run on their thread.
	private int working;

	private @Nullable TrackedRun oldest;

	private @Nullable TrackedRun newest;

	// The latest instant used under the lock. System.nanoTime() may step back by a little between cores or
	// in a virtual machine; taking the maximum keeps every read at or above the one before it, and every
	// duration non-negative, at the cost of one comparison.
	private long lastNow = Long.MIN_VALUE;

	// The instant the last run ended, for a graceful shutdown to know whether a scraper has yet to read it. Set
	// under the lock the end takes anyway, from the instant it reads anyway: free on the hot path.
	private long lastEndNanos = Long.MIN_VALUE;

	InFlightRuns(Clock clock) {
		this.clock = clock;
	}

	private long now() {
		long now = Math.max(this.clock.monotonicTime(), this.lastNow);
		this.lastNow = now;
		return now;
	}

	synchronized void add(TrackedRun run) {
		long now = now();
		run.startNanos = now;
		if (run.working) {
			this.base -= now;
			this.working++;
		}
		this.count++;
		run.previous = this.newest;
		if (this.newest != null) {
			this.newest.next = run;
		}
		else {
			this.oldest = run;
		}
		this.newest = run;
	}

	/**
	 * Removes the run and returns its duration, or -1 if it had already been removed.
	 */
	synchronized long remove(TrackedRun run) {
		if (run.ended) {
			return -1;
		}
		run.ended = true;
		long now = now();
		this.lastEndNanos = now;
		if (run.working) {
			this.base += now;
			this.working--;
		}
		this.count--;
		if (run.previous != null) {
			run.previous.next = run.next;
		}
		else {
			this.oldest = run.next;
		}
		if (run.next != null) {
			run.next.previous = run.previous;
		}
		else {
			this.newest = run.previous;
		}
		run.previous = null;
		run.next = null;
		return now - run.startNanos;
	}

	synchronized long workedNanos() {
		return this.base + this.working * now();
	}

	double workedSeconds() {
		return workedNanos() / 1e9;
	}

	/**
	 * Returns the instant (on the clock's monotonic time) at which the last run ended, or {@link Long#MIN_VALUE}
	 * if none has.
	 */
	synchronized long lastEndNanos() {
		return this.lastEndNanos;
	}

	synchronized int count() {
		return this.count;
	}

	/**
	 * Visits the runs in flight, oldest first, and returns the instant of the visit on the monotonic clock (to
	 * compute each run's age from its {@code startNanos}). The action runs under the lock: keep it short.
	 */
	synchronized long forEach(Consumer<? super TrackedRun> action) {
		for (TrackedRun run = this.oldest; run != null; run = run.next) {
			action.accept(run);
		}
		return now();
	}

	synchronized double oldestAgeSeconds() {
		TrackedRun oldest = this.oldest;
		return (oldest != null) ? (now() - oldest.startNanos) / 1e9 : 0;
	}

}
