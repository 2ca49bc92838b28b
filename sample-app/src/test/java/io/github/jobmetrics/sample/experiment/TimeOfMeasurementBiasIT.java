package io.github.jobmetrics.sample.experiment;

import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The experiment of the time-of-measurement bias article against a real Prometheus: 10 always-busy workers
 * with jobs of 0.1 to 10 s, scraped every second. Worked seconds must show the 10 busy workers at every point;
 * the completion-time view, measured in the same run, must show the bias the tracer removes, or the
 * experiment proves nothing.
 * <p>
 * The figures of the run (points within the bound, mean and largest error, scrape jitter) go to standard
 * output, so they are in the build log.
 */
@Testcontainers
class TimeOfMeasurementBiasIT {

	private static final ExperimentSettings SETTINGS = ExperimentSettings.ci(Duration.ofSeconds(60));

	private static final int appPort = FreePorts.next();

	@Container
	private static final PrometheusContainer prometheus = new PrometheusContainer(appPort, SETTINGS.scrapeInterval());

	private static SampleAppProcess app;

	private static BiasExperimentRun run;

	@BeforeAll
	static void runExperiment() throws Exception {
		app = SampleAppProcess.start("bias-experiment-it", appPort, SETTINGS.appArguments());
		run = BiasExperimentRun.measure(SETTINGS, prometheus.api());
		System.out.println(run.report());
	}

	@AfterAll
	static void stopApp() {
		if (app != null) {
			app.close();
		}
	}

	@Test
	void workedSecondsShowEveryBusyWorkerAtEveryPoint() {
		SeriesAccuracy accuracy = run.workedAccuracy(0.02);
		assertThat(accuracy.withinShare()).as("share of points within ±2%% of %d workers: %s", SETTINGS.workers(),
				accuracy).isGreaterThanOrEqualTo(0.99);
	}

	@Test
	void completionTimeViewMissesTheBusyWorkersAtMostPoints() {
		SeriesAccuracy accuracy = run.completedAccuracy(0.05);
		assertThat(1 - accuracy.withinShare()).as("share of points outside ±5%% of %d workers: %s",
				SETTINGS.workers(), accuracy).isGreaterThan(0.5);
	}

}
