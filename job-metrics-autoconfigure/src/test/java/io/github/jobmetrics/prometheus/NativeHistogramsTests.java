package io.github.jobmetrics.prometheus;

import java.time.Duration;

import io.github.jobmetrics.BootMetricsAutoConfigurations;
import io.github.jobmetrics.JobRun;
import io.github.jobmetrics.JobTracer;
import io.github.jobmetrics.autoconfigure.JobMetricsAutoConfiguration;
import io.github.jobmetrics.autoconfigure.JobMetricsPrometheusAutoConfiguration;
import io.github.jobmetrics.micrometer.MicrometerJobTracer;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link JobMetricsPrometheusAutoConfiguration} and {@link NativeHistogramMeterRegistry}, with Spring
 * Boot's Prometheus registry and its real scrape.
 */
class NativeHistogramsTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(BootMetricsAutoConfigurations.withoutExport(BootMetricsAutoConfigurations.prometheus(),
				JobMetricsAutoConfiguration.class, JobMetricsPrometheusAutoConfiguration.class))
		.withBean(MockClock.class);

	@Test
	void offByDefault() {
		this.contextRunner.run((context) -> {
			assertThat(context).doesNotHaveBean(NativeHistogramMeterRegistry.class);
			runFor(context, "export", Duration.ofSeconds(3));
			// The default: the tracer's striped histograms (StripedDurationHistogramsTests), no native buckets.
			assertThat(context.getBean(MicrometerJobTracer.class).countsDurationHistograms()).isTrue();
			assertThat(context.getBean(PrometheusRegistry.class).scrape((name) -> name.equals("job_duration_seconds"))
				.get(0)).isInstanceOfSatisfying(HistogramSnapshot.class,
						(histogram) -> assertThat(histogram.getDataPoints().get(0).hasNativeHistogramData()).isFalse());
		});
	}

	@Test
	void textScrapeKeepsTheClassicBucketsOfOneHistogram() {
		this.contextRunner.withPropertyValues("job-metrics.prometheus.native-histograms=true").run((context) -> {
			runFor(context, "export", Duration.ofSeconds(3));
			runFor(context, "export", Duration.ofMillis(7));
			String scrape = context.getBean(PrometheusMeterRegistry.class).scrape();
			assertThat(scrape.lines().filter((line) -> line.startsWith("# TYPE job_duration_seconds")))
				.containsExactly("# TYPE job_duration_seconds histogram");
			assertThat(scrape).contains("job_duration_seconds_bucket{job_name=\"export\",queue=\"none\",le=\"0.005\"} 0",
					"job_duration_seconds_bucket{job_name=\"export\",queue=\"none\",le=\"0.01\"} 1",
					"job_duration_seconds_bucket{job_name=\"export\",queue=\"none\",le=\"5.0\"} 2",
					"job_duration_seconds_bucket{job_name=\"export\",queue=\"none\",le=\"+Inf\"} 2",
					"job_duration_seconds_count{job_name=\"export\",queue=\"none\"} 2",
					"job_duration_seconds_sum{job_name=\"export\",queue=\"none\"} 3.007");
			assertThat(scrape.lines().filter((line) -> line.startsWith("job_duration_seconds_bucket{"))).hasSize(21);
			assertThat(context.getBean(PrometheusMeterRegistry.class).scrape("application/openmetrics-text"))
				.contains("job_duration_seconds_count{job_name=\"export\",queue=\"none\"} 2");
		});
	}

	// What the protobuf scrape writes, read in the client's model (whose API every Boot line's Prometheus client,
	// 1.3 to 1.7, shares); NativeHistogramPrometheusTests has a real Prometheus read the protobuf itself.
	@Test
	void scrapeCarriesTheNativeHistogramBesideTheClassicBuckets() {
		this.contextRunner.withPropertyValues("job-metrics.prometheus.native-histograms=true").run((context) -> {
			runFor(context, "export", Duration.ofSeconds(3));
			MetricSnapshots snapshots = context.getBean(PrometheusRegistry.class)
				.scrape((name) -> name.startsWith("job_duration"));
			assertThat(snapshots.size()).isOne();
			HistogramSnapshot histogram = (HistogramSnapshot) snapshots.get(0);
			assertThat(histogram.getMetadata().getPrometheusName()).isEqualTo("job_duration_seconds");
			HistogramDataPointSnapshot point = histogram.getDataPoints().get(0);
			assertThat(point.getCount()).isOne();
			assertThat(point.hasNativeHistogramData()).isTrue();
			assertThat(point.getNativeBucketsForPositiveValues().size()).isOne();
			assertThat(point.getNativeBucketsForPositiveValues().getCount(0)).isOne();
			assertThat(point.hasClassicHistogramData()).isTrue();
			assertThat(point.getClassicBuckets().getUpperBound(0)).isEqualTo(0.005);
		});
	}

	@Test
	void micrometerTimerIsKeptOffThePrometheusRegistryOnly() {
		this.contextRunner.withPropertyValues("job-metrics.prometheus.native-histograms=true")
			.withBean("simpleMeterRegistry", SimpleMeterRegistry.class, () -> new SimpleMeterRegistry())
			.run((context) -> {
				runFor(context, "export", Duration.ofSeconds(3));
				assertThat(context.getBean(PrometheusMeterRegistry.class).find("job.duration").meter()).isNull();
				assertThat(context.getBean(PrometheusMeterRegistry.class).find("job.worked").meter()).isNotNull();
				SimpleMeterRegistry other = (SimpleMeterRegistry) context.getBean("simpleMeterRegistry");
				assertThat(other.get("job.duration").timer().count()).isOne();
				assertThat(context.getBean(NativeHistogramMeterRegistry.class).get("job.duration").timer().count())
					.isOne();
				assertThat(context.getBean(NativeHistogramMeterRegistry.class).getMeters())
					.as("nothing but the native histograms")
					.allSatisfy((meter) -> assertThat(meter.getId().getName()).isEqualTo("job.duration"));
			});
	}

	@Test
	void jobWithItsOwnBucketsKeepsThemInTheSameMetric() {
		this.contextRunner
			.withPropertyValues("job-metrics.prometheus.native-histograms=true", "job-metrics.jobs.ledger.buckets=1s,1m")
			.run((context) -> {
				runFor(context, "export", Duration.ofSeconds(3));
				runFor(context, "ledger", Duration.ofSeconds(3));
				String scrape = context.getBean(PrometheusMeterRegistry.class).scrape();
				assertThat(scrape.lines().filter((line) -> line.startsWith("job_duration_seconds_bucket{job_name=\"ledger\"")))
					.hasSize(3);
				assertThat(scrape.lines().filter((line) -> line.startsWith("job_duration_seconds_bucket{job_name=\"export\"")))
					.hasSize(21);
				assertThat(scrape.lines().filter((line) -> line.startsWith("# TYPE job_duration_seconds "))).hasSize(1);
			});
	}

	@Test
	void bootsDistributionSettingsStillApply() {
		this.contextRunner
			.withPropertyValues("job-metrics.prometheus.native-histograms=true",
					"management.metrics.distribution.slo.job.duration=100ms,10s", "management.metrics.tags.region=eu")
			.run((context) -> {
				runFor(context, "export", Duration.ofSeconds(3));
				String scrape = context.getBean(PrometheusMeterRegistry.class).scrape();
				assertThat(scrape).contains(
						"job_duration_seconds_bucket{job_name=\"export\",queue=\"none\",region=\"eu\",le=\"10.0\"} 1");
				assertThat(scrape.lines().filter((line) -> line.startsWith("job_duration_seconds_bucket{"))).hasSize(3);
			});
	}

	private static void runFor(AssertableApplicationContext context, String job, Duration duration) {
		try (JobRun run = context.getBean(JobTracer.class).start(job)) {
			context.getBean(MockClock.class).add(duration);
		}
	}

}
