package io.github.jobmetrics.sample.experiment;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

import io.github.jobmetrics.sample.experiment.PrometheusApi.Sample;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import static io.github.jobmetrics.sample.experiment.BiasExperimentRun.now;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A graceful stop exports its last work: five long jobs of known lengths run on Spring Boot's task executor
 * (configured to let them finish), a real Prometheus scrapes the app every second, and the app receives
 * {@code SIGTERM} while all five are in flight. What Prometheus stores last must be the truth: the five
 * durations as worked seconds, and five successes.
 * <p>
 * Without job-metrics' final scrape, the web server of such an app stops at once (no request is in flight) while
 * the executor lets the jobs finish: the successes and the work after the last scrape are never exported.
 */
@Testcontainers
class GracefulShutdownIT {

	private static final List<Duration> DURATIONS = List.of(Duration.ofSeconds(6), Duration.ofSeconds(7),
			Duration.ofSeconds(8), Duration.ofSeconds(9), Duration.ofSeconds(10));

	private static final Duration SCRAPE_INTERVAL = Duration.ofSeconds(1);

	private static final String JOB = "job_name=\"long-job\"";

	private static final int appPort = FreePorts.next();

	@Container
	private static final PrometheusContainer prometheus = new PrometheusContainer(appPort, SCRAPE_INTERVAL);

	private static SampleAppProcess app;

	@BeforeAll
	static void startApp() throws Exception {
		app = SampleAppProcess.start("graceful-shutdown-it", appPort, List.of("--sample.workers=1",
				"--sample.long-jobs.durations=" + String.join(",",
						DURATIONS.stream().map((duration) -> duration.toSeconds() + "s").toList()),
				"--spring.task.execution.pool.core-size=" + DURATIONS.size(),
				"--spring.task.execution.shutdown.await-termination=true",
				"--spring.task.execution.shutdown.await-termination-period=60s",
				// The final-scrape wait covers twice Prometheus's interval: a scrape is never late by more.
				"--job-metrics.shutdown.scrape-interval=2s"));
	}

	@AfterAll
	static void stopApp() {
		if (app != null) {
			app.close();
		}
	}

	@Test
	void theLastScrapeOfAGracefulStopHoldsTheWorkAndTheSuccessesOfTheRunsInFlight() throws Exception {
		PrometheusApi api = prometheus.api();
		await("Prometheus to see all five jobs in flight").atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(200))
			.until(() -> api.value("job_inflight{" + JOB + "}", now()) == DURATIONS.size());
		double terminated = now();
		assertThat(app.terminate(Duration.ofSeconds(60))).as("exit status, 128 + SIGTERM").isEqualTo(143);
		double exited = now();
		await("a failed scrape").atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(500))
			.until(() -> api.value("up{job=\"" + PrometheusContainer.JOB + "\"}", now()) == 0
					&& api.value("timestamp(up{job=\"" + PrometheusContainer.JOB + "\"})", now()) > exited);
		double at = now();
		Duration range = Duration.ofMinutes(2);
		Sample worked = last(api.rawSamples("job_worked_seconds_total{" + JOB + "}", range, at));
		Sample successes = last(api.rawSamples("job_executions_total{" + JOB + ",result=\"success\"}", range, at));
		Sample failures = last(api.rawSamples("job_executions_total{" + JOB + ",result=\"failure\"}", range, at));
		Sample inFlight = last(api.rawSamples("job_inflight{" + JOB + "}", range, at));
		double truth = DURATIONS.stream().mapToDouble((duration) -> duration.toMillis() / 1e3).sum();
		System.out.println(String.format(Locale.ROOT,
				"Graceful stop: exit %.1f s after SIGTERM; last scrape %.1f s before the exit: "
						+ "job_worked_seconds_total %.3f (truth %.1f), successes %.0f, in flight %.0f",
				exited - terminated, exited - worked.time(),
				worked.value(), truth, successes.value(), inFlight.value()));
		assertThat(successes.value()).as("successes in the last scrape").isEqualTo(DURATIONS.size());
		assertThat(inFlight.value()).as("runs in flight in the last scrape").isZero();
		assertThat(failures.value()).as("other results in the last scrape").isZero();
		// Each run sleeps its duration; the run's bounds add the proxy's and the clock's microseconds.
		assertThat(worked.value()).as("worked seconds in the last scrape").isBetween(truth, truth + 0.5);
	}

	private static Sample last(List<Sample> samples) {
		assertThat(samples).as("samples Prometheus holds").isNotEmpty();
		return samples.get(samples.size() - 1);
	}

}
