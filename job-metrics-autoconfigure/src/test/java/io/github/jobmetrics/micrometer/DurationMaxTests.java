package io.github.jobmetrics.micrometer;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.github.jobmetrics.BootMetricsAutoConfigurations;
import io.github.jobmetrics.JobRun;
import io.github.jobmetrics.JobTracer;
import io.github.jobmetrics.autoconfigure.JobMetricsAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@code job_duration_seconds_max} reads for a job that runs once an hour: Micrometer's maximum decays
 * over {@code management.metrics.distribution.expiry} (2 minutes by default), which Spring Boot applies to
 * {@code job.duration} by name like to any other meter.
 */
class DurationMaxTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(BootMetricsAutoConfigurations.with(JobMetricsAutoConfiguration.class))
		.withBean(MockClock.class);

	@Test
	void maxOfAnHourlyJobReadsZeroThreeMinutesAfterItsRunByDefault() {
		this.contextRunner.run((context) -> {
			Timer duration = runTenMinutes(context.getBean(JobTracer.class), context.getBean(MockClock.class),
					context.getBean(MeterRegistry.class));
			assertThat(duration.max(TimeUnit.SECONDS)).isEqualTo(600.0);
			context.getBean(MockClock.class).add(Duration.ofMinutes(3));
			assertThat(duration.max(TimeUnit.SECONDS)).isZero();
			// The histogram does not decay: histogram_quantile over a window longer than the schedule sees the run.
			assertThat(duration.count()).isOne();
			assertThat(duration.totalTime(TimeUnit.SECONDS)).isEqualTo(600.0);
		});
	}

	@Test
	void maxOfAnHourlyJobLastsAsLongAsTheExpiryConfiguredForJobDuration() {
		// The brackets keep the dot in the key: expiry.job.duration=2h binds nothing, silently.
		this.contextRunner.withPropertyValues("management.metrics.distribution.expiry[job.duration]=2h")
			.run((context) -> {
				MockClock clock = context.getBean(MockClock.class);
				Timer duration = runTenMinutes(context.getBean(JobTracer.class), clock,
						context.getBean(MeterRegistry.class));
				clock.add(Duration.ofMinutes(59));
				assertThat(duration.max(TimeUnit.SECONDS)).isEqualTo(600.0);
			});
	}

	private static Timer runTenMinutes(JobTracer tracer, MockClock clock, MeterRegistry registry) {
		JobRun run = tracer.start("export");
		clock.add(Duration.ofMinutes(10));
		run.close();
		return registry.get("job.duration").tag("job.name", "export").timer();
	}

}
