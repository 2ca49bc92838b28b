package io.github.jobmetrics.sample.experiment;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import org.springframework.boot.convert.DurationStyle;

import static io.github.jobmetrics.sample.experiment.BiasExperimentRun.now;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The soak: the sample app runs tiny jobs back to back on every core for a while, scraped every second by a
 * real Prometheus. Its counters must never reset, its totals must equal the app's own count, and its heap must
 * stay flat. 30 s in the normal build; longer on demand with {@code -Dsoak.duration=10m}.
 */
@Testcontainers
class SoakIT {

	private static final Duration DURATION = DurationStyle.detectAndParse(System.getProperty("soak.duration", "30s"));

	private static final Duration SCRAPE_INTERVAL = Duration.ofSeconds(1);

	private static final String JOB = "job_name=\"soak\"";

	private static final int appPort = FreePorts.next();

	@Container
	private static final PrometheusContainer prometheus = new PrometheusContainer(appPort, SCRAPE_INTERVAL);

	private static SampleAppProcess app;

	@BeforeAll
	static void startApp() throws Exception {
		app = SampleAppProcess.start("soak-it", appPort, List.of("--sample.workers=1", "--sample.soak.enabled=true",
				"--sample.soak.duration=" + DURATION.toMillis() + "ms"));
	}

	@AfterAll
	static void stopApp() {
		if (app != null) {
			app.close();
		}
	}

	@Test
	void countersNeverResetTotalsEqualTheTruthAndTheHeapStaysFlat() {
		PrometheusApi api = prometheus.api();
		double stopped = await("the soak to end, in Prometheus").atMost(DURATION.plusSeconds(60))
			.pollInterval(Duration.ofSeconds(1))
			.until(() -> api.value("sample_soak_stopped_timestamp_seconds", now()), (time) -> !Double.isNaN(time));
		// Two more scrapes, so that Prometheus holds the quiescent values.
		await("two scrapes after the end").atMost(Duration.ofSeconds(30))
			.pollInterval(Duration.ofMillis(500))
			.until(() -> api.value("timestamp(sample_soak_runs_total)", now()) > stopped + 2);
		double at = now();
		double started = api.value("sample_soak_started_timestamp_seconds", at);
		String range = "[" + (long) Math.ceil(at - started + 10) + "s]";
		double workers = api.value("sample_soak_workers", at);
		double runs = api.value("sample_soak_runs_total", at);
		double successes = api.value("job_executions_total{" + JOB + ",result=\"success\"}", at);
		double others = api.value("sum(job_executions_total{" + JOB + ",result!=\"success\"})", at);
		double worked = api.value("job_worked_seconds_total{" + JOB + "}", at);
		double body = api.value("sample_soak_body_seconds_total", at);
		double call = api.value("sample_soak_call_seconds_total", at);
		double elapsed = stopped - started;
		double resets = api.value("sum(resets(job_worked_seconds_total{" + JOB + "}" + range + ")) + sum(resets("
				+ "job_executions_total{" + JOB + "}" + range + "))", at);
		double scrapes = api.value("count_over_time(job_worked_seconds_total{" + JOB + "}" + range + ")", at);
		double failedScrapes = api.value("count_over_time(up{job=\"" + PrometheusContainer.JOB + "\"}" + range
				+ ") - sum_over_time(up{job=\"" + PrometheusContainer.JOB + "\"}" + range + ")", at);
		double heapStart = api.value("sample_soak_heap_live_bytes{phase=\"start\"}", at);
		double heapEnd = api.value("sample_soak_heap_live_bytes{phase=\"end\"}", at);
		double maxScrape = api.value("max_over_time(scrape_duration_seconds{job=\"" + PrometheusContainer.JOB + "\"}"
				+ range + ")", at);
		System.out.println(String.format(Locale.ROOT,
				"Soak: %.0f workers for %.1f s, %.0f runs (%.0f per second); %.0f scrapes (%.0f failed, slowest "
						+ "%.0f ms), %.0f resets; job_executions_total success %.0f, other results %.0f; "
						+ "job_worked_seconds_total %.3f s, body %.3f s, calls %.3f s, %.2f%% of workers x elapsed; "
						+ "live heap after full GC %.1f MiB at start, %.1f MiB at end (%+.2f MiB)",
				workers, elapsed, runs, runs / elapsed, scrapes, failedScrapes, maxScrape * 1e3, resets, successes,
				others, worked, body, call, worked / (workers * elapsed) * 100, heapStart / 1048576,
				heapEnd / 1048576, (heapEnd - heapStart) / 1048576));
		assertThat(runs / elapsed).as("runs per second").isGreaterThan(10_000);
		assertThat(resets).as("counter resets").isZero();
		// With every core busy with jobs, a scrape may wait for a core longer than the 1 s timeout; a missed scrape
		// loses nothing (the next one reads the same counters), but most must get through.
		assertThat(scrapes).as("successful scrapes").isGreaterThanOrEqualTo(0.75 * elapsed);
		assertThat(successes).as("job_executions_total{result=success} against the app's own count").isEqualTo(runs);
		assertThat(others).as("runs with another result").isZero();
		// A run is recorded inside the call to the job and around its body: its worked time lies between the two.
		assertThat(worked).as("job_worked_seconds_total").isBetween(body, call);
		assertThat(call).as("the workers' own time").isLessThanOrEqualTo(workers * elapsed);
		// Every run allocates one small object; a leak of even 4 bytes a run would show here.
		assertThat(heapEnd - heapStart).as("growth of the live heap").isLessThan(Math.max(4 * runs, 8 << 20));
	}

}
