package io.github.jobmetrics;

import java.lang.reflect.Field;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.jobmetrics.autoconfigure.JobMetricsAutoConfiguration;
import io.github.jobmetrics.autoconfigure.JobMetricsSchedulingAutoConfiguration;
import io.github.jobmetrics.internal.MeteringFailures;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.util.ReflectionUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * A metrics path that throws — here a user's {@link MeterFilter} that fails on every job meter, from start-up on —
 * never reaches the jobs: the application starts, scheduled and called jobs run, their results and exceptions are
 * unchanged, and the problem is logged once however many runs hit it.
 */
@ExtendWith(OutputCaptureExtension.class)
class MeteringFaultsTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(BootMetricsAutoConfigurations.with(TaskSchedulingAutoConfiguration.class,
				JobMetricsAutoConfiguration.class, JobMetricsSchedulingAutoConfiguration.class))
		.withPropertyValues("job-metrics.instrument.scheduled=true")
		.withUserConfiguration(BrokenFilterConfiguration.class);

	@BeforeEach
	void forgetEarlierWarnings() throws IllegalAccessException {
		// The warning is logged once per JVM; earlier tests may have used it up.
		Field warned = ReflectionUtils.findField(MeteringFailures.class, "warned");
		ReflectionUtils.makeAccessible(warned);
		((AtomicBoolean) warned.get(null)).set(false);
	}

	@Test
	void jobsRunUnchangedAndTheFailureIsLoggedOnce(CapturedOutput output) {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(ThreadPoolTaskScheduler.class);
			Jobs jobs = context.getBean(Jobs.class);
			for (int i = 0; i < 100; i++) {
				assertThat(jobs.compute(i)).isEqualTo(i * 2);
			}
			IllegalStateException failure = new IllegalStateException("job's own");
			for (int i = 0; i < 100; i++) {
				assertThatIllegalStateException().isThrownBy(() -> jobs.fail(failure)).isSameAs(failure);
			}
			await().atMost(Duration.ofSeconds(30)).until(() -> jobs.scheduledRuns() >= 3);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.find("job.executions").meters()).isEmpty();
		});
		assertThat(output.getOut().split("job-metrics failed to", -1)).as("warnings").hasSize(2);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableScheduling
	static class BrokenFilterConfiguration {

		@Bean
		MeterFilter brokenFilter() {
			return new MeterFilter() {

				@Override
				public Meter.Id map(Meter.Id id) {
					if (id.getName().startsWith("job.")) {
						throw new IllegalStateException("filter broken for " + id.getName());
					}
					return id;
				}

			};
		}

		@Bean
		Jobs jobs() {
			return new Jobs();
		}

	}

	static class Jobs {

		private final AtomicInteger scheduledRuns = new AtomicInteger();

		public int scheduledRuns() {
			return this.scheduledRuns.get();
		}

		@TracedJob("compute")
		public int compute(int value) {
			return value * 2;
		}

		@TracedJob("fail")
		public void fail(RuntimeException failure) {
			throw failure;
		}

		@Scheduled(fixedDelay = 10)
		public void tick() {
			this.scheduledRuns.incrementAndGet();
		}

	}

}
