package io.github.jobmetrics.sample;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.jobmetrics.sample.experiment.FreePorts;
import io.github.jobmetrics.sample.experiment.SampleAppProcess;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The log of the sample app's first run, as a new user sees it: started from its jar with its own configuration,
 * it shows the application, not the embedded broker's notes. Artemis logs an INFO audit line for every message sent
 * and received (a queue dump with each), which buried the application's lines: some 480 of them, 1,300 lines in
 * all, in 45 seconds. Its scrape shows the Spring Batch job too, a series per step.
 */
class FirstRunLogIT {

	private static final Pattern SUCCESSES = Pattern
		.compile("(?m)^job_executions_total\\{job_name=\"experiment\",queue=\"work\",result=\"success\"} (\\S+)$");

	// A success of the Spring Batch job's first run, launched at start-up: the job's and each step's.
	private static final Pattern SETTLED = Pattern.compile(
			"(?m)^job_executions_total\\{job_name=\"(settlement(\\.settle|\\.report)?)\",queue=\"none\",result=\"success\"} [1-9]\\S*$");

	@Test
	void theFirstRunsLogShowsTheApplicationWithoutTheBrokersInfoLines() throws Exception {
		// No shutdown hold: this test reads the log, not a final scrape.
		try (SampleAppProcess app = SampleAppProcess.start("first-run-log-it", FreePorts.next(),
				List.of("--job-metrics.shutdown.enabled=false"))) {
			HttpClient http = HttpClient.newHttpClient();
			HttpRequest scrape = HttpRequest.newBuilder(app.baseUri().resolve("/actuator/prometheus")).build();
			// Each of these runs took a message from the queue: before, each had its audit lines by now.
			String[] body = new String[1];
			await("20 runs of experiment").atMost(Duration.ofSeconds(90))
				.pollInterval(Duration.ofMillis(500))
				.until(() -> {
					body[0] = http.send(scrape, HttpResponse.BodyHandlers.ofString()).body();
					Matcher successes = SUCCESSES.matcher(body[0]);
					return successes.find() && Double.parseDouble(successes.group(1)) >= 20;
				});
			// By then the settlement job has run (its schedule starts it at start-up, for some 300 ms), traced
			// with no code: runs of the job and of each step.
			assertThat(SETTLED.matcher(body[0]).results().map((success) -> success.group(1)))
				.as("successes of the Spring Batch job and its steps")
				.containsExactlyInAnyOrder("settlement", "settlement.settle", "settlement.report");
			List<String> lines = Files.readAllLines(app.log());
			assertThat(lines).as("log of the first run (%s)", app.log())
				.noneMatch((line) -> line.contains("org.apache.activemq.audit"))
				.noneMatch((line) -> line.matches(".* INFO .* o(rg)?\\.apache\\.activemq\\..*"))
				.anyMatch((line) -> line.contains("Started SampleApplication"))
				.anyMatch((line) -> line.contains("Feeding queue 'work'"));
		}
	}

}
