package io.github.jobmetrics.sample.experiment;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.github.jobmetrics.sample.experiment.PrometheusApi.Sample;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The async integration against a real Prometheus: {@value #WORKERS} {@code @Async @TracedJob} runs of the sample
 * app ({@code AsyncLoad}) keep as many threads of Spring Boot's application task executor busy for 90 s. While they
 * are in flight, and none has ended, {@code rate(job_worked_seconds_total)} must be {@value #WORKERS} within ±1 % at
 * every point of a 30 s period, scraped every second, with the rate window of the bias experiment; the
 * completion-time view is 0 there. The figures go to standard output, so they are in the build log.
 */
@Testcontainers
class AsyncWorkedSecondsIT {

	private static final int WORKERS = 4;

	private static final String JOB = "job_name=\"async-load\"";

	private static final String WORKED = "job_worked_seconds_total{" + JOB + "}";

	private static final Duration SCRAPE_INTERVAL = Duration.ofSeconds(1);

	private static final Duration WINDOW = ExperimentSettings.CI_WINDOW;

	private static final Duration MEASURED = Duration.ofSeconds(30);

	private static final Duration STEP = Duration.ofSeconds(1);

	private static final int appPort = FreePorts.next();

	@Container
	private static final PrometheusContainer prometheus = new PrometheusContainer(appPort, SCRAPE_INTERVAL);

	private static SampleAppProcess app;

	@AfterAll
	static void stopApp() {
		if (app != null) {
			app.close();
		}
	}

	@Test
	void workedSecondsShowEveryBusyExecutorThreadWhileNoRunHasEnded() throws Exception {
		app = SampleAppProcess.start("async-worked-seconds-it", appPort,
				List.of("--sample.async-load.workers=" + WORKERS, "--sample.async-load.duration=90s",
						"--job-metrics.shutdown.enabled=false"));
		PrometheusApi api = prometheus.api();
		// From the first scrape that saw every run in flight, a full window and two scrapes later, the rate's
		// window holds only busy time.
		double allInFlight = await("a scrape with all " + WORKERS + " runs in flight").atMost(Duration.ofSeconds(90))
			.pollInterval(Duration.ofMillis(500))
			.until(() -> api.value("timestamp(job_inflight{" + JOB + "} == " + WORKERS + ")",
					BiasExperimentRun.now()), (time) -> !Double.isNaN(time));
		double start = Math.ceil(allInFlight + WINDOW.toSeconds() + 2 * SCRAPE_INTERVAL.toSeconds());
		double end = start + MEASURED.toSeconds();
		BiasExperimentRun.awaitScrapesUntil(api, WORKED, end);
		List<Sample> worked = api.queryRange(BiasExperimentRun.rate(WORKED, WINDOW), start, end, STEP);
		List<Sample> completed = api.queryRange(
				BiasExperimentRun.rate("job_duration_seconds_sum{" + JOB + "}", WINDOW), start, end, STEP);
		int points = (int) MEASURED.toSeconds() + 1;
		SeriesAccuracy accuracy = SeriesAccuracy.of(worked, points, WORKERS, 0.01);
		System.out.println("@Async accuracy: " + WORKERS + " runs of 90 s in flight, " + points + " points from "
				+ Instant.ofEpochSecond((long) start) + ", window " + WINDOW.toSeconds() + " s"
				+ System.lineSeparator() + "  worked seconds   " + BiasExperimentRun.rate(WORKED, WINDOW) + ": "
				+ accuracy + System.lineSeparator() + "  completion time  "
				+ SeriesAccuracy.of(completed, points, WORKERS, 0.01));
		assertThat(api.value("sum(job_executions_total{" + JOB + "})", end)).as("runs ended by the end").isZero();
		assertThat(accuracy.within()).as("points within ±1%% of %d busy threads: %s", WORKERS, accuracy)
			.isEqualTo(points);
		assertThat(completed).as("completion-time view while no run has ended")
			.allSatisfy((sample) -> assertThat(sample.value()).isZero());
	}

}
