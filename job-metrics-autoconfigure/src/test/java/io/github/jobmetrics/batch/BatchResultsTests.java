package io.github.jobmetrics.batch;

import java.util.List;

import io.github.jobmetrics.JobRun;
import io.github.jobmetrics.micrometer.MicrometerJobTracer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.batch.core.BatchStatus;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the result of a run from the {@link BatchStatus} its execution ended with, for the statuses a real job
 * reaches only through a listener or a broken repository.
 */
class BatchResultsTests {

	private final MeterRegistry registry = new SimpleMeterRegistry();

	private final MicrometerJobTracer tracer = new MicrometerJobTracer(this.registry);

	@ParameterizedTest
	@CsvSource({ "COMPLETED, success", "FAILED, failure", "UNKNOWN, failure", "STOPPING, cancelled",
			"STOPPED, cancelled", "ABANDONED, cancelled", "STARTED, failure" })
	void eachStatusEndsTheRunWithItsResult(BatchStatus status, String result) {
		end(status, List.of(new IllegalStateException("failed")));
		assertThat(this.registry.get("job.executions").tag("job.name", "job.step").tag("result", result)
			.functionCounter().count()).isEqualTo(1);
	}

	@Test
	void aFailureWithoutAnExceptionIsNamedAfterTheStatus() {
		end(BatchStatus.FAILED, List.of());
		assertThat(this.registry.get("job.exceptions").tag("job.name", "job.step").tag("result", "failure")
			.tag("exception", "BatchStatusFailure").counter().count()).isEqualTo(1);
	}

	@Test
	void aFailureIsNamedAfterTheFirstExceptionOfTheExecution() {
		end(BatchStatus.FAILED, List.of(new IllegalArgumentException("first"), new IllegalStateException("second")));
		assertThat(this.registry.get("job.exceptions").tag("job.name", "job.step")
			.tag("exception", "IllegalArgumentException").counter().count()).isEqualTo(1);
	}

	private void end(BatchStatus status, List<Throwable> failures) {
		JobRun run = this.tracer.start("job.step", null);
		BatchRunListener.result(run, status, failures);
		run.close();
	}

}
