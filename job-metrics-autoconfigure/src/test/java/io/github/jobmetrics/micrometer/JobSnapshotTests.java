package io.github.jobmetrics.micrometer;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.jobmetrics.JobRun;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@link MicrometerJobTracer#snapshot(int)} on Micrometer's {@link MockClock}: totals, the oldest runs in flight
 * with exact ages, and the bound.
 */
class JobSnapshotTests {

	private final MockClock clock = new MockClock();

	private final MicrometerJobTracer tracer = new MicrometerJobTracer(new SimpleMeterRegistry(SimpleConfig.DEFAULT,
			this.clock));

	@Test
	void listsTheOldestRunsWithTheirAgeAndCountsTheOthers() {
		this.tracer.register("idle", null);
		JobRun first = this.tracer.start("export", "files");
		this.clock.add(10, TimeUnit.SECONDS);
		JobRun second = this.tracer.start("export", "files");
		this.clock.add(5, TimeUnit.SECONDS);
		this.tracer.start("export", "files");
		this.clock.add(1, TimeUnit.SECONDS);

		List<JobSnapshot> jobs = this.tracer.snapshot(2);

		assertThat(jobs).extracting(JobSnapshot::jobName).containsExactly("export", "idle");
		JobSnapshot export = jobs.get(0);
		assertThat(export.queue()).isEqualTo("files");
		assertThat(export.inFlight()).isEqualTo(3);
		assertThat(export.omittedRunsInFlight()).isEqualTo(1);
		assertThat(export.runsInFlight()).extracting(JobSnapshot.RunInFlight::elapsed)
			.containsExactly(Duration.ofSeconds(16), Duration.ofSeconds(6));
		Instant now = Instant.ofEpochMilli(this.clock.wallTime());
		assertThat(export.runsInFlight().get(0).started()).isEqualTo(now.minusSeconds(16));
		assertThat(export.runsInFlight()).extracting(JobSnapshot.RunInFlight::threadName)
			.containsOnly(Thread.currentThread().getName());
		assertThat(export.workedSeconds()).isEqualTo(16 + 6 + 1);
		assertThat(export.lastSuccess()).isNull();
		assertThat(jobs.get(1).queue()).isEqualTo("none");
		assertThat(jobs.get(1).runsInFlight()).isEmpty();
		first.close();
		second.failed(new IllegalStateException("secret"));
		second.close();
	}

	@Test
	void countsRunsByResultAndKeepsTheLastSuccess() {
		this.clock.add(Duration.ofSeconds(100));
		this.tracer.start("export", null).close();
		Instant success = Instant.ofEpochMilli(this.clock.wallTime());
		this.clock.add(Duration.ofSeconds(3));
		JobRun failed = this.tracer.start("export", null);
		failed.failed(new IllegalStateException());
		failed.close();
		JobRun cancelled = this.tracer.start("export", null);
		cancelled.cancelled();
		cancelled.close();

		JobSnapshot export = this.tracer.snapshot(10).get(0);

		assertThat(export.runsByResult()).containsExactly(entry("success", 1L), entry("failure", 1L),
				entry("retry", 0L), entry("cancelled", 1L));
		assertThat(export.lastSuccess()).isEqualTo(success);
		assertThat(export.inFlight()).isZero();
	}

	@Test
	void listsNoRunWithABoundOfZero() {
		this.tracer.start("export", null);
		JobSnapshot export = this.tracer.snapshot(0).get(0);
		assertThat(export.runsInFlight()).isEmpty();
		assertThat(export.omittedRunsInFlight()).isEqualTo(1);
		assertThatIllegalArgumentException().isThrownBy(() -> this.tracer.snapshot(-1));
	}

	private static java.util.Map.Entry<String, Long> entry(String key, Long value) {
		return java.util.Map.entry(key, value);
	}

}
