package io.github.jobmetrics.sample.experiment;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import io.github.jobmetrics.sample.experiment.PrometheusApi.Sample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.github.jobmetrics.sample.experiment.BiasExperimentRun.now;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How long a graceful stop takes, {@code SIGTERM} to exit, with job-metrics' defaults
 * ({@code job-metrics.shutdown.scrape-interval} 15 s, Boot's 30 s phase timeout) and a real Prometheus: with the
 * app's JMS listeners busy with runs of up to one second and Prometheus scraping every second or every 15 seconds,
 * and the sample app as it ships (runs of up to 10 s) at 15 seconds.
 * <p>
 * The stop must end at Prometheus's first scrape after the last run's end, not a fixed interval later: at 1 s the
 * whole stop takes a second or two, at 15 s at most that interval more. {@code SIGTERM} is sent just after a scrape
 * (once Prometheus has stored two), so the 15 s figures are near the worst case. The figures are printed.
 */
class ShutdownDurationIT {

	private static final String JOB = "job_name=\"experiment\"";

	// The JVM's and the broker's own stop, and the runs of up to 1 s (the listener container lets them finish).
	private static final Duration OVERHEAD = Duration.ofSeconds(10);

	@ParameterizedTest(name = "Prometheus every {0} s")
	@ValueSource(ints = { 1, 15 })
	void theStopEndsAtPrometheussFirstScrapeAfterTheLastRun(int intervalSeconds) throws Exception {
		Duration stop = measure("shutdown-duration-" + intervalSeconds + "s", Duration.ofSeconds(intervalSeconds),
				List.of("--sample.workers=2", "--sample.min-duration=100ms", "--sample.max-duration=1s"));
		assertThat(stop).as("SIGTERM to exit").isLessThan(Duration.ofSeconds(intervalSeconds).plus(OVERHEAD));
	}

	// The sample app as it ships: ten listeners busy with runs of up to 10 s, which the listener container lets
	// finish before job-metrics waits for the next scrape.
	@Test
	void theSampleAppAsItShipsStopsAtTheFirstScrapeAfterItsLongestRun() throws Exception {
		Duration interval = Duration.ofSeconds(15);
		Duration stop = measure("shutdown-duration-defaults", interval, List.of());
		assertThat(stop).as("SIGTERM to exit").isLessThan(Duration.ofSeconds(10).plus(interval).plus(OVERHEAD));
	}

	private static Duration measure(String name, Duration interval, List<String> arguments) throws Exception {
		int appPort = FreePorts.next();
		try (PrometheusContainer prometheus = new PrometheusContainer(appPort, interval)) {
			prometheus.start();
			PrometheusApi api = prometheus.api();
			try (SampleAppProcess app = SampleAppProcess.start(name, appPort, arguments)) {
				// job-metrics waits for the scrapers it has seen at least twice (up is 0 for a scrape before the app
				// was up).
				await("two scrapes by Prometheus").atMost(interval.multipliedBy(3).plusSeconds(30))
					.pollInterval(Duration.ofMillis(250))
					.ignoreExceptions()
					.until(() -> api.value("sum_over_time(up{job=\"" + PrometheusContainer.JOB + "\"}[10m])",
							now()) >= 2);
				double terminated = now();
				assertThat(app.terminate(Duration.ofSeconds(60))).as("exit status, 128 + SIGTERM").isEqualTo(143);
				double exited = now();
				await("Prometheus to see the app gone").atMost(interval.multipliedBy(3).plusSeconds(10))
					.pollInterval(Duration.ofMillis(250))
					.until(() -> api.value("up{job=\"" + PrometheusContainer.JOB + "\"}", now()) == 0);
				Sample inFlight = last(api.rawSamples("job_inflight{" + JOB + "}", Duration.ofMinutes(5), now()));
				Duration stop = Duration.ofMillis((long) ((exited - terminated) * 1000));
				String log = Files.readString(app.log());
				String holdLines = log.lines()
					.filter((line) -> line.contains("Graceful shutdown:"))
					.map((line) -> line.substring(line.indexOf("Graceful shutdown:")))
					.collect(Collectors.joining(" | "));
				System.out.println(String.format(Locale.ROOT,
						"Graceful stop, %s, Prometheus every %d s: exit %.1f s after SIGTERM; last stored scrape "
								+ "%.1f s after SIGTERM, job_inflight %.0f; %s",
						name, interval.toSeconds(), stop.toMillis() / 1e3, inFlight.time() - terminated,
						inFlight.value(), holdLines));
				assertThat(log).as("the app's log").contains("every scraper has read the final values");
				assertThat(inFlight.time()).as("time of the last stored scrape").isGreaterThan(terminated);
				assertThat(inFlight.value()).as("runs in flight in the last stored scrape").isZero();
				return stop;
			}
		}
	}

	private static Sample last(List<Sample> samples) {
		assertThat(samples).as("samples Prometheus holds").isNotEmpty();
		return samples.get(samples.size() - 1);
	}

}
