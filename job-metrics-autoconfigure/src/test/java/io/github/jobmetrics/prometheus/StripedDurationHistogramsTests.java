package io.github.jobmetrics.prometheus;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.github.jobmetrics.BootMetricsAutoConfigurations;
import io.github.jobmetrics.JobRun;
import io.github.jobmetrics.JobTracer;
import io.github.jobmetrics.autoconfigure.JobMetricsAutoConfiguration;
import io.github.jobmetrics.autoconfigure.JobMetricsPrometheusAutoConfiguration;
import io.github.jobmetrics.micrometer.JobMeterSettings;
import io.github.jobmetrics.micrometer.MicrometerJobTracer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the striped histograms of {@link JobMetricsPrometheusAutoConfiguration} and
 * {@link StripedDurationHistograms}: Spring Boot's Prometheus registry, its real scrape, and the same scrape with
 * Micrometer's timer as the reference.
 */
class StripedDurationHistogramsTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(BootMetricsAutoConfigurations.withoutExport(BootMetricsAutoConfigurations.prometheus(),
				JobMetricsAutoConfiguration.class, JobMetricsPrometheusAutoConfiguration.class))
		.withBean(MockClock.class);

	@Test
	void tracerCountsTheHistogramAndTheTimerIsKeptOffPrometheus() {
		this.contextRunner.run((context) -> {
			assertThat(context.getBean(MicrometerJobTracer.class).countsDurationHistograms()).isTrue();
			runFor(context, "export", Duration.ofSeconds(3));
			assertThat(context.getBean(PrometheusMeterRegistry.class).find("job.duration").meter()).isNull();
			String scrape = context.getBean(PrometheusMeterRegistry.class).scrape();
			assertThat(scrape.lines().filter((line) -> line.startsWith("# TYPE job_duration_seconds")))
				.containsExactly("# TYPE job_duration_seconds histogram", "# TYPE job_duration_seconds_max gauge");
			assertThat(scrape).contains("job_duration_seconds_bucket{job_name=\"export\",queue=\"none\",le=\"2.5\"} 0",
					"job_duration_seconds_bucket{job_name=\"export\",queue=\"none\",le=\"5.0\"} 1",
					"job_duration_seconds_count{job_name=\"export\",queue=\"none\"} 1",
					"job_duration_seconds_sum{job_name=\"export\",queue=\"none\"} 3.0",
					"job_duration_seconds_max{job_name=\"export\",queue=\"none\"} 3.0");
		});
	}

	// The reference is Micrometer's own timer on the same registry: every line of job_duration_seconds, _max
	// included, must read the same, for durations on and beside the bounds, three results, a job with its own
	// buckets, extra tags and Boot's common tags.
	@Test
	void scrapeReadsAsMicrometersTimerWould() {
		String[] properties = { "job-metrics.jobs.ledger.buckets=1s,1m", "job-metrics.jobs.ledger.tags.team=billing",
				"management.metrics.tags.region=eu" };
		List<String> striped = durationLines(this.contextRunner.withPropertyValues(properties));
		List<String> micrometer = durationLines(
				this.contextRunner.withPropertyValues(properties).withPropertyValues(
						"job-metrics.prometheus.striped-histograms=false"));
		assertThat(micrometer).isNotEmpty();
		assertThat(striped).containsExactlyElementsOf(micrometer);
		assertThat(striped).contains(
				"job_duration_seconds_bucket{job_name=\"ledger\",queue=\"none\",region=\"eu\",team=\"billing\",le=\"1.0\"} 5");
	}

	private List<String> durationLines(ApplicationContextRunner runner) {
		List<String>[] lines = new List[1];
		runner.run((context) -> {
			for (String job : List.of("export", "ledger")) {
				runFor(context, job, Duration.ofMillis(5));
				runFor(context, job, Duration.ofMillis(7));
				runFor(context, job, Duration.ofSeconds(1));
				runFor(context, job, Duration.ofMinutes(90));
				try (JobRun run = context.getBean(JobTracer.class).start(job)) {
					context.getBean(MockClock.class).add(Duration.ofMillis(30));
					run.failed(new IllegalStateException("no"));
				}
				try (JobRun run = context.getBean(JobTracer.class).start(job)) {
					context.getBean(MockClock.class).add(Duration.ofMillis(2));
					run.cancelled();
				}
			}
			lines[0] = context.getBean(PrometheusMeterRegistry.class)
				.scrape()
				.lines()
				.filter((line) -> line.startsWith("job_duration_seconds"))
				.sorted()
				.toList();
		});
		return lines[0];
	}

	// The figure the README gives: the series of one job with the default buckets, as the scrape writes them.
	@Test
	void aJobWithTheDefaultBucketsHas32Series() {
		this.contextRunner.run((context) -> {
			context.getBean(JobTracer.class).register("export", null);
			String scrape = context.getBean(PrometheusMeterRegistry.class).scrape();
			assertThat(scrape.lines().filter((line) -> !line.startsWith("#") && line.contains("job_name=\"export\"")))
				.hasSize(32)
				.filteredOn((line) -> line.startsWith("job_duration_seconds_bucket"))
				.hasSize(JobMeterSettings.DEFAULT_BUCKETS.size() + 1);
		});
	}

	@Test
	void countEqualsTheExecutionsAtEveryReadWhileThreadsRun() throws InterruptedException {
		this.contextRunner.run((context) -> {
			MicrometerJobTracer tracer = context.getBean(MicrometerJobTracer.class);
			tracer.register("burst", null);
			int threads = 4;
			int runsEach = 5_000;
			ExecutorService executor = Executors.newFixedThreadPool(threads);
			CountDownLatch start = new CountDownLatch(1);
			for (int i = 0; i < threads; i++) {
				executor.execute(() -> {
					awaitQuietly(start);
					for (int run = 0; run < runsEach; run++) {
						tracer.start("burst").close();
					}
				});
			}
			start.countDown();
			executor.shutdown();
			long previous = 0;
			while (!executor.awaitTermination(1, TimeUnit.MILLISECONDS)) {
				long count = tracer.durationHistograms().get(0).count();
				assertThat(count).isGreaterThanOrEqualTo(previous);
				previous = count;
			}
			assertThat(tracer.durationHistograms().get(0).count()).isEqualTo(threads * runsEach);
			assertThat(context.getBean(PrometheusMeterRegistry.class).scrape()).contains(
					"job_duration_seconds_count{job_name=\"burst\",queue=\"none\"} 20000",
					"job_executions_total{job_name=\"burst\",queue=\"none\",result=\"success\"} 20000");
		});
	}

	@Test
	void maxCoversTheLastOneToTwoMinutes() {
		this.contextRunner.run((context) -> {
			MockClock clock = context.getBean(MockClock.class);
			runFor(context, "export", Duration.ofSeconds(3));
			clock.add(Duration.ofSeconds(50));
			assertThat(max(context)).isEqualTo(3.0);
			clock.add(Duration.ofSeconds(60));
			assertThat(max(context)).as("in the window before the current one").isEqualTo(3.0);
			clock.add(Duration.ofSeconds(60));
			assertThat(max(context)).as("two windows later").isZero();
			assertThat(context.getBean(PrometheusMeterRegistry.class).scrape())
				.contains("job_duration_seconds_count{job_name=\"export\",queue=\"none\"} 1");
		});
	}

	@Test
	void otherRegistriesKeepTheTimer() {
		this.contextRunner.withBean("simpleMeterRegistry", SimpleMeterRegistry.class, SimpleMeterRegistry::new)
			.run((context) -> {
				runFor(context, "export", Duration.ofSeconds(3));
				SimpleMeterRegistry other = (SimpleMeterRegistry) context.getBean("simpleMeterRegistry");
				assertThat(other.get("job.duration").timer().count()).isOne();
				assertThat(context.getBean(PrometheusMeterRegistry.class).find("job.duration").meter()).isNull();
				assertThat(context.getBean(PrometheusMeterRegistry.class).scrape())
					.contains("job_duration_seconds_count{job_name=\"export\",queue=\"none\"} 1");
			});
	}

	@Test
	void bootSettingsOfTheTimerKeepMicrometersTimer() {
		for (String setting : List.of("management.metrics.distribution.percentiles-histogram.all=true",
				"management.metrics.distribution.slo.job.duration=100ms,10s",
				"management.metrics.distribution.expiry.job=5m", "management.metrics.enable.job.duration=false",
				"job-metrics.prometheus.striped-histograms=false")) {
			this.contextRunner.withPropertyValues(setting).run((context) -> {
				assertThat(context.getBean(MicrometerJobTracer.class).countsDurationHistograms()).as(setting).isFalse();
				runFor(context, "export", Duration.ofSeconds(3));
				assertThat(context.getBean(MicrometerJobTracer.class).durationHistograms()).isEmpty();
			});
		}
		this.contextRunner.withPropertyValues("management.metrics.enable.job.duration=false").run((context) -> {
			runFor(context, "export", Duration.ofSeconds(3));
			assertThat(context.getBean(PrometheusMeterRegistry.class).scrape()).doesNotContain("job_duration_seconds")
				.contains("job_worked_seconds_total");
		});
	}

	@Test
	void settingsOfOtherMetersLeaveTheHistogramsStriped() {
		this.contextRunner
			.withPropertyValues("management.metrics.distribution.percentiles-histogram.http.server.requests=true",
					"management.metrics.enable.jvm=false")
			.run((context) -> assertThat(context.getBean(MicrometerJobTracer.class).countsDurationHistograms())
				.isTrue());
	}

	@Test
	void tracerTheApplicationBuiltKeepsItsTimer() {
		this.contextRunner
			.withBean(MicrometerJobTracer.class,
					() -> new MicrometerJobTracer(new SimpleMeterRegistry(), JobMeterSettings.defaults()))
			.run((context) -> {
				MeterRegistry registry = context.getBean(PrometheusMeterRegistry.class);
				MicrometerJobTracer own = new MicrometerJobTracer(registry, JobMeterSettings.defaults());
				try (JobRun run = own.start("export")) {
					context.getBean(MockClock.class).add(Duration.ofSeconds(3));
				}
				assertThat(registry.get("job.duration").timer().count()).isOne();
			});
	}

	private static double max(AssertableApplicationContext context) {
		return context.getBean(MicrometerJobTracer.class).durationHistograms().get(0).maxSeconds();
	}

	private static void runFor(AssertableApplicationContext context, String job, Duration duration) {
		try (JobRun run = context.getBean(JobTracer.class).start(job)) {
			context.getBean(MockClock.class).add(duration);
		}
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
