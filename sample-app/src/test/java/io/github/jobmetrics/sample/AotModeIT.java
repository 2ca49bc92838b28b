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
 * The sample app in Spring AOT's JVM mode: its jar, with the bean definitions that {@code spring-boot:process-aot}
 * generated at build time, started with {@code -Dspring.aot.enabled=true} (no GraalVM needed). Its scheduled
 * {@code @TracedJob} runs and is counted, its JMS listener consumes messages and each is counted with its queue
 * wait, {@code /actuator/prometheus} serves the series, and job-metrics logs no warning or error.
 */
class AotModeIT {

	// A logger of job-metrics' own (Spring Boot shortens it to fit its column: i.g.j.m.jms...), not the sample's.
	private static final Pattern OUR_WARNING = Pattern
		.compile("\\b(WARN|ERROR)\\b.*\\] (i(o)?\\.g(ithub)?\\.j(obmetrics)?\\.(?!sample\\.)\\S+|.*job-metrics)");

	@Test
	void tracesAScheduledJobAndAListenerAndServesTheScrapeWithTheBeanDefinitionsGeneratedAtBuildTime()
			throws Exception {
		try (SampleAppProcess app = SampleAppProcess.start("aot-mode-it", FreePorts.next(),
				List.of("-Dspring.aot.enabled=true"), List.of())) {
			HttpClient http = HttpClient.newHttpClient();
			HttpRequest scrape = HttpRequest.newBuilder(app.baseUri().resolve("/actuator/prometheus")).build();
			String[] body = new String[1];
			await("a counted run of the scheduled job and of the listener").atMost(Duration.ofSeconds(60))
				.pollInterval(Duration.ofMillis(500))
				.until(() -> {
					body[0] = http.send(scrape, HttpResponse.BodyHandlers.ofString()).body();
					return sum(body[0], "job_executions_total", "invoice-export") >= 1
							&& sum(body[0], "job_executions_total", "experiment") >= 1;
				});
			assertThat(body[0]).contains("# TYPE job_worked_seconds_total counter")
				.containsPattern("(?m)^job_worked_seconds_total\\{job_name=\"experiment\",queue=\"work\"} [1-9]")
				.containsPattern("(?m)^job_inflight\\{job_name=\"experiment\",queue=\"work\"} ");
			// The queue wait comes from the JMS message's timestamp, read by the listener integration.
			assertThat(sum(body[0], "job_queue_wait_seconds_count", "experiment")).isPositive();
			List<String> lines = Files.readAllLines(app.log());
			assertThat(lines).as("log of the AOT-processed app (%s)", app.log())
				.anyMatch((line) -> line.contains("Starting AOT-processed SampleApplication"))
				.noneMatch((line) -> OUR_WARNING.matcher(line).find());
		}
	}

	// The sum of a series' samples of one job (over its result or other labels).
	private static double sum(String scrape, String series, String job) {
		Matcher samples = Pattern
			.compile("(?m)^" + series + "\\{job_name=\"" + job + "\"[^}]*} (\\S+)$")
			.matcher(scrape);
		double sum = 0;
		while (samples.find()) {
			sum += Double.parseDouble(samples.group(1));
		}
		return sum;
	}

}
