package io.github.jobmetrics.sample;

import java.time.Duration;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link JobDurations}: the experiment's job lengths stay within bounds and are mostly short.
 */
class JobDurationsTests {

	@Test
	void durationsAreHalfNormalBetweenMinimumAndMaximum() {
		JobDurations durations = new JobDurations(Duration.ofMillis(100), Duration.ofSeconds(10), 42);
		double[] seconds = IntStream.range(0, 100_000).mapToDouble((i) -> durations.next().toNanos() / 1e9).toArray();
		assertThat(java.util.Arrays.stream(seconds).min().orElseThrow()).isGreaterThanOrEqualTo(0.1);
		assertThat(java.util.Arrays.stream(seconds).max().orElseThrow()).isLessThanOrEqualTo(10.0);
		// Half-normal with sigma = (max - min) / 3: mean = min + sigma * sqrt(2 / pi), about 2.73 s here.
		double mean = java.util.Arrays.stream(seconds).average().orElseThrow();
		assertThat(mean).isBetween(2.6, 2.85);
		long overHalf = java.util.Arrays.stream(seconds).filter((s) -> s > 5.05).count();
		assertThat(overHalf / 1e5).isBetween(0.10, 0.16);
	}

	@Test
	void sameSeedGivesTheSameDurations() {
		JobDurations first = new JobDurations(Duration.ZERO, Duration.ofSeconds(1), 7);
		JobDurations second = new JobDurations(Duration.ZERO, Duration.ofSeconds(1), 7);
		assertThat(IntStream.range(0, 10).mapToObj((i) -> first.next()))
			.containsExactlyElementsOf(IntStream.range(0, 10).mapToObj((i) -> second.next()).toList());
	}

	@Test
	void maximumBelowMinimumIsRejected() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new JobDurations(Duration.ofSeconds(2), Duration.ofSeconds(1), 1))
			.withMessageContaining("min-duration");
	}

}
