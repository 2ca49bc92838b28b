package io.github.jobmetrics.micrometer;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.jobmetrics.JobRun;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the queue meters of {@link MicrometerJobTracer}: {@code job.queue.wait},
 * {@code job.queue.last.enqueued.timestamp} and {@code job.queue.wait.clock.skew}, on a {@link MockClock}.
 */
class QueueMetersTests {

	private final MockClock clock = new MockClock();

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry(SimpleConfig.DEFAULT, this.clock);

	private final MicrometerJobTracer tracer = new MicrometerJobTracer(this.registry);

	@Test
	void waitIsFromEnqueueingToTheStartOfTheRunEvenWhenReportedLater() {
		long enqueued = this.clock.wallTime();
		this.clock.add(Duration.ofMillis(1500));
		try (JobRun run = this.tracer.start("payments", "payments")) {
			// A run that learns its message's timestamp a while after it started still waited until its start.
			this.clock.add(Duration.ofMillis(200));
			run.enqueuedAt(enqueued);
		}
		Timer wait = this.registry.get("job.queue.wait").tags("job.name", "payments", "queue", "payments").timer();
		assertThat(wait.count()).isOne();
		assertThat(wait.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(1500);
	}

	@Test
	void aJobThatNeverReportsAnEnqueueTimeHasNoQueueMeters() {
		this.tracer.register("nightly-report", null);
		this.tracer.start("nightly-report").close();
		assertThat(this.registry.find("job.queue.wait").meters()).isEmpty();
		assertThat(this.registry.find("job.queue.last.enqueued.timestamp").meters()).isEmpty();
	}

	@Test
	void lastEnqueuedIsTheNewestEnqueueTimeOfAStartedRunAndNeverMovesBack() {
		long now = this.clock.wallTime();
		try (JobRun run = this.tracer.start("payments", "payments")) {
			run.enqueuedAt(now - 5000);
		}
		assertThat(lastEnqueued()).isEqualTo((now - 5000) / 1e3);
		try (JobRun run = this.tracer.start("payments", "payments")) {
			run.enqueuedAt(now - 1000);
		}
		assertThat(lastEnqueued()).isEqualTo((now - 1000) / 1e3);
		// An older message handled late (a redelivery, another partition) does not make the lag jump back up.
		try (JobRun run = this.tracer.start("payments", "payments")) {
			run.enqueuedAt(now - 9000);
		}
		assertThat(lastEnqueued()).isEqualTo((now - 1000) / 1e3);
	}

	@Test
	void aWaitBelowZeroIsRecordedAsZeroAndCountedAsClockSkew() {
		long future = this.clock.wallTime() + 3000;
		try (JobRun run = this.tracer.start("payments", "payments")) {
			run.enqueuedAt(future);
		}
		Timer wait = this.registry.get("job.queue.wait").timer();
		assertThat(wait.count()).isOne();
		assertThat(wait.totalTime(TimeUnit.MILLISECONDS)).isZero();
		assertThat(this.registry.get("job.queue.wait.clock.skew").counter().count()).isOne();
	}

	@Test
	void aBatchRunObservesTheWaitOfEachMessage() {
		long now = this.clock.wallTime();
		try (JobRun run = this.tracer.start("imports", "uploads")) {
			for (long age : new long[] { 20, 700, 4000 }) {
				run.enqueuedAt(now - age);
			}
		}
		Timer wait = this.registry.get("job.queue.wait").timer();
		assertThat(wait.count()).isEqualTo(3);
		assertThat(wait.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(4720);
		assertThat(this.registry.get("job.executions").tag("result", "success").functionCounter().count()).isOne();
	}

	@Test
	void defaultBucketsGoFromTenMillisecondsToAnHourAndCanBeSetPerJob() {
		MicrometerJobTracer tuned = new MicrometerJobTracer(this.registry, JobMeterSettings.defaults()
			.withJobQueueWaitBuckets("imports", List.of(Duration.ofSeconds(1), Duration.ofMinutes(1))));
		try (JobRun run = tuned.start("payments", "payments")) {
			run.enqueuedAt(this.clock.wallTime());
		}
		try (JobRun run = tuned.start("imports", "uploads")) {
			run.enqueuedAt(this.clock.wallTime());
		}
		assertThat(buckets("payments")).hasSize(17).startsWith(0.010).endsWith(3600.0);
		assertThat(buckets("imports")).containsExactly(1.0, 60.0);
	}

	private double[] buckets(String job) {
		CountAtBucket[] counts = this.registry.get("job.queue.wait")
			.tag("job.name", job)
			.timer()
			.takeSnapshot()
			.histogramCounts();
		return Arrays.stream(counts).mapToDouble((bucket) -> bucket.bucket(TimeUnit.SECONDS)).toArray();
	}

	private double lastEnqueued() {
		return this.registry.get("job.queue.last.enqueued.timestamp").gauge().value();
	}

}
