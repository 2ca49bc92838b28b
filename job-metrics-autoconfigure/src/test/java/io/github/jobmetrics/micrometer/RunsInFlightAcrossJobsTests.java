package io.github.jobmetrics.micrometer;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.github.jobmetrics.JobRun;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of what a graceful shutdown asks the tracer: how many runs of all jobs are in flight, and how long
 * ago the last one ended.
 */
class RunsInFlightAcrossJobsTests {

	private final MockClock clock = new MockClock();

	private final MicrometerJobTracer tracer = new MicrometerJobTracer(
			new SimpleMeterRegistry(SimpleConfig.DEFAULT, this.clock));

	@Test
	void countsTheRunsInFlightOfEveryJobAndQueueNestedOnesIncluded() {
		assertThat(this.tracer.inFlightRuns()).isZero();
		JobRun export = this.tracer.start("export", null);
		JobRun payments = this.tracer.start("sync", "payments");
		JobRun[] nested = new JobRun[1];
		this.tracer.trace("outer", null, () -> {
			nested[0] = this.tracer.start("inner", null);
		});
		assertThat(this.tracer.inFlightRuns()).isEqualTo(3);
		export.close();
		payments.close();
		nested[0].close();
		assertThat(this.tracer.inFlightRuns()).isZero();
	}

	@Test
	void tellsHowLongAgoTheLastRunOfAnyJobEnded() {
		this.tracer.register("idle", null);
		assertThat(this.tracer.sinceLastRunEnded()).as("before any end").isNull();
		JobRun first = this.tracer.start("first", null);
		JobRun second = this.tracer.start("second", "q");
		this.clock.add(3, TimeUnit.SECONDS);
		second.close();
		this.clock.add(2, TimeUnit.SECONDS);
		first.close();
		this.clock.add(7, TimeUnit.SECONDS);
		assertThat(this.tracer.sinceLastRunEnded()).isEqualTo(Duration.ofSeconds(7));
		assertThat(this.tracer.inFlightRuns()).isZero();
	}

	@Test
	void countsAFailedRunAsEnded() {
		JobRun run = this.tracer.start("failing", null);
		run.failed(new IllegalStateException("boom"));
		run.close();
		this.clock.add(1, TimeUnit.SECONDS);
		assertThat(this.tracer.sinceLastRunEnded()).isEqualTo(Duration.ofSeconds(1));
	}

}
