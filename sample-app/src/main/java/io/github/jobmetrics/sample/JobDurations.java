package io.github.jobmetrics.sample;

import java.time.Duration;
import java.util.Random;

/**
 * Job durations half-normally distributed between a minimum and a maximum, as in the experiment of the
 * time-of-measurement bias article: most jobs are short, a few are close to the maximum. The maximum sits
 * at three standard deviations; the rare longer draw is clipped to it.
 */
final class JobDurations {

	private final Random random;

	private final long minNanos;

	private final long spanNanos;

	JobDurations(Duration min, Duration max, long seed) {
		if (min.isNegative() || max.compareTo(min) < 0) {
			throw new IllegalArgumentException("Need 0 <= min-duration <= max-duration, got " + min + " and " + max);
		}
		this.random = new Random(seed);
		this.minNanos = min.toNanos();
		this.spanNanos = max.toNanos() - this.minNanos;
	}

	synchronized Duration next() {
		double halfNormal = Math.min(Math.abs(this.random.nextGaussian()) / 3, 1);
		return Duration.ofNanos(this.minNanos + (long) (halfNormal * this.spanNanos));
	}

}
