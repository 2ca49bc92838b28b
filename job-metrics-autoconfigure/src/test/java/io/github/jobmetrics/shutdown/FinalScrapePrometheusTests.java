package io.github.jobmetrics.shutdown;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.github.jobmetrics.PrometheusServer;
import io.github.jobmetrics.TracedJob;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The graceful stop with a real Prometheus: a web application with Actuator's {@code prometheus} endpoint and all of
 * Spring Boot's and job-metrics' auto-configuration, scraped every 500 ms by a {@link PrometheusServer}, is closed
 * while a {@code @TracedJob} run is in flight, and the run ends during the stop. What Prometheus itself stores last
 * must hold the run's end: its success, {@code job_inflight} 0 and its worked seconds in full. Without the final
 * scrape the web server would stop at once (no request is in flight) and Prometheus would keep the run in flight
 * forever. Names no class of one Boot line, so that it runs on every line.
 */
@ExtendWith(OutputCaptureExtension.class)
class FinalScrapePrometheusTests {

	private static final Duration SCRAPE_INTERVAL = Duration.ofMillis(500);

	private static final String RUN = "{job_name=\"final-export\",queue=\"exports\"}";

	private static final Duration WAIT = Duration.ofSeconds(30);

	// The run and the close on threads of their own: the common pool may have a single one, which the run would hold.
	private final ExecutorService threads = Executors.newFixedThreadPool(2);

	private ConfigurableApplicationContext context;

	@AfterEach
	void close() {
		this.threads.shutdownNow();
		if (this.context != null) {
			this.context.close();
		}
	}

	@Test
	void prometheusStoresTheEndOfARunThatEndedDuringTheStop(@TempDir Path dir, CapturedOutput output)
			throws Exception {
		// Prometheus first: its first scrape comes 5 s after it starts, while the application starts.
		int port = PrometheusServer.freePort();
		try (PrometheusServer prometheus = PrometheusServer.start(dir, port, SCRAPE_INTERVAL)) {
			this.context = new SpringApplicationBuilder(TestApplication.class).web(WebApplicationType.SERVLET)
				.run("--server.port=" + port, "--server.address=127.0.0.1",
						"--management.endpoints.web.exposure.include=prometheus",
						// The test classpath has OTLP's registry, which Boot would configure (a push registry,
						// which the stop would wait for too).
						"--management.otlp.metrics.export.enabled=false",
						// Prometheus 2.42 fails a scrape whose OpenMetrics text has an exemplar on a _count, which
						// Micrometer writes for a run in a sampled span (this module's tests have a tracer):
						// exemplars.include on Boot 4.1, no sampled span on every line.
						"--management.tracing.exemplars.include=none", "--management.tracing.sampling.probability=0",
						// Four of Prometheus' intervals: the bound of the wait, which the stop must not need.
						"--job-metrics.shutdown.scrape-interval=2s");
			Export export = this.context.getBean(Export.class);
			CompletableFuture<Long> run = CompletableFuture.supplyAsync(() -> {
				long start = System.nanoTime();
				export.export();
				return System.nanoTime() - start;
			}, this.threads);
			// Two scrapes: the stop waits for a scraper that has read the endpoint at least twice, one that comes back.
			await("Prometheus to see the run in flight twice").atMost(WAIT)
				.pollInterval(Duration.ofMillis(100))
				.failFast("the run ended", run::isDone)
				.untilAsserted(() -> assertThat(prometheus.query("count_over_time(job_inflight" + RUN + "[1m])"))
					.as(prometheus::describe)
					.isGreaterThanOrEqualTo(2));
			assertThat(prometheus.query("job_inflight" + RUN)).isEqualTo(1);
			double stopping = System.currentTimeMillis() / 1e3;
			CompletableFuture<Void> closed = CompletableFuture.runAsync(this.context::close, this.threads);
			await("the stop to wait for the run").atMost(WAIT)
				.until(() -> output.getOut().contains("waiting for 1 job run(s)"));
			// Prometheus still scrapes the application, which would have stopped serving without the final scrape.
			await("a scrape during the stop").atMost(WAIT)
				.pollInterval(Duration.ofMillis(100))
				.until(() -> prometheus.query("timestamp(job_inflight" + RUN + ")") > stopping);
			assertThat(closed).isNotDone();
			export.finish();
			long outside = run.get(WAIT.toSeconds(), TimeUnit.SECONDS);
			closed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
			double stopped = System.currentTimeMillis() / 1e3;
			assertThat(output).contains("every scraper has read the final values");
			// A failed scrape after the close: what Prometheus stores of the application is complete.
			await("Prometheus to find the application gone").atMost(WAIT)
				.pollInterval(Duration.ofMillis(100))
				.until(() -> prometheus.query("up{job=\"" + PrometheusServer.JOB + "\"}") == 0
						&& prometheus.query("timestamp(up{job=\"" + PrometheusServer.JOB + "\"})") > stopped);
			assertThat(prometheus.query("last_over_time(job_executions_total{job_name=\"final-export\","
					+ "result=\"success\"}[1m])")).as("successes in the last scrape").isEqualTo(1);
			assertThat(prometheus.query("last_over_time(job_inflight" + RUN + "[1m])"))
				.as("runs in flight in the last scrape")
				.isZero();
			// The run's whole time: at least what its body measured, at most what its caller did.
			double worked = prometheus.query("last_over_time(job_worked_seconds_total" + RUN + "[1m])");
			assertThat(worked).as("worked seconds in the last scrape")
				.isBetween(export.inside() / 1e9 - 1e-6, outside / 1e9 + 1e-6);
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class TestApplication {

		@Bean
		Export export() {
			return new Export();
		}

	}

	static class Export {

		private final CountDownLatch finish = new CountDownLatch(1);

		private volatile long inside;

		@TracedJob(name = "final-export", queue = "exports")
		public void export() {
			long start = System.nanoTime();
			try {
				if (!this.finish.await(1, TimeUnit.MINUTES)) {
					throw new IllegalStateException("Not told to finish");
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
			this.inside = System.nanoTime() - start;
		}

		void finish() {
			this.finish.countDown();
		}

		long inside() {
			return this.inside;
		}

	}

}
