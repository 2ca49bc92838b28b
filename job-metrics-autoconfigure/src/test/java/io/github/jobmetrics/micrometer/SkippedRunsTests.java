package io.github.jobmetrics.micrometer;

import java.time.Duration;

import io.github.jobmetrics.JobRun;
import io.github.jobmetrics.JobTracer;
import io.github.jobmetrics.observation.ObservedJobTracer;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link JobRun#skipped() Skipped} runs of {@link MicrometerJobTracer}, on a {@link MockClock}: they count nowhere,
 * and take back the worked time they showed in flight without the counter ever falling.
 */
class SkippedRunsTests {

	private final MockClock clock = new MockClock();

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry(SimpleConfig.DEFAULT, this.clock);

	private final MicrometerJobTracer tracer = new MicrometerJobTracer(this.registry);

	@Test
	void skippedRunCountsNoExecutionDurationWorkedTimeOrSuccess() {
		this.tracer.register("report", null);
		double createdAt = lastSuccess();
		this.clock.add(Duration.ofSeconds(5));
		JobRun run = this.tracer.start("report");
		this.clock.add(Duration.ofSeconds(2));
		run.skipped();
		run.close();
		assertThat(this.registry.get("job.executions").functionCounters())
			.allSatisfy((counter) -> assertThat(counter.count()).isZero());
		assertThat(this.registry.get("job.duration").timer().count()).isZero();
		assertThat(worked()).isZero();
		assertThat(lastSuccess()).isEqualTo(createdAt);
		assertThat(this.registry.get("job.inflight").gauge().value()).isZero();
	}

	@Test
	void workedTimeThatAReadSawOfASkippedRunHoldsUntilWorkPassesIt() {
		JobRun working = this.tracer.start("report");
		this.clock.add(Duration.ofSeconds(1));
		JobRun skipped = this.tracer.start("report");
		this.clock.add(Duration.ofSeconds(1));
		assertThat(worked()).isEqualTo(3.0);
		skipped.skipped();
		skipped.close();
		// Without the skipped run, 2 s were worked; the counter already said 3 and must not fall.
		assertThat(worked()).isEqualTo(3.0);
		this.clock.add(Duration.ofSeconds(2));
		assertThat(worked()).isEqualTo(4.0);
		working.close();
		assertThat(worked()).isEqualTo(4.0);
	}

	@Test
	void failedOrCancelledRunIsCountedAsSuchEvenIfMarkedSkipped() {
		JobRun failed = this.tracer.start("report");
		failed.skipped();
		failed.failed(new IllegalStateException());
		failed.close();
		JobRun cancelled = this.tracer.start("report");
		cancelled.skipped();
		cancelled.cancelled();
		cancelled.close();
		assertThat(this.registry.get("job.executions").tag("result", "failure").functionCounter().count())
			.isEqualTo(1);
		assertThat(this.registry.get("job.executions").tag("result", "cancelled").functionCounter().count())
			.isEqualTo(1);
		assertThat(this.registry.get("job.duration").timer().count()).isEqualTo(2);
	}

	@Test
	void skippedRunCountsNowhereThroughTheObservingTracerThatATracingBridgeBrings() {
		ObservationRegistry observations = ObservationRegistry.create();
		observations.observationConfig().observationHandler((context) -> true);
		JobTracer observed = new ObservedJobTracer(this.tracer, observations, null, (failure) -> false);
		JobRun run = observed.start("report");
		this.clock.add(Duration.ofSeconds(2));
		run.skipped();
		run.close();
		assertThat(this.registry.get("job.executions").functionCounters())
			.allSatisfy((counter) -> assertThat(counter.count()).isZero());
		assertThat(worked()).isZero();
	}

	private double worked() {
		return this.registry.get("job.worked").functionCounter().count();
	}

	private double lastSuccess() {
		return this.registry.get("job.last.success.timestamp").gauge().value();
	}

}
