package io.github.jobmetrics.sample.operations;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.jobmetrics.sample.experiment.FreePorts;
import io.github.jobmetrics.sample.experiment.SampleAppProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The heartbeat lag page end to end: the sample app (heartbeats every second on its queues) with its
 * {@code nightly-imports} queue idle after one message at start-up, and its consumers stopped 90 s after start-up;
 * a real Prometheus evaluating the shipped rules (every {@code for:} shortened to 5 s, as in
 * {@link OperationsKitIT}) with the queue's lag threshold set to 10 s the documented way, a
 * {@code job_metrics_lag_threshold_seconds} rule; a real Alertmanager routing to a webhook.
 * <p>
 * While the consumers run, the idle queue's lag from runs passes threshold plus {@code for} (the old rule would
 * page) and {@code JobQueueLagHigh} stays silent; once they stop, it fires within threshold plus {@code for} of the
 * last heartbeat consumed, and Alertmanager delivers it.
 */
class HeartbeatLagIT {

	private static final String QUEUE = "nightly-imports";

	private static final Duration INTERVAL = Duration.ofSeconds(1);

	private static final long THRESHOLD_SECONDS = 10;

	private static final long FOR_SECONDS = 5;

	private static final String THRESHOLDS = """
			groups:
			  - name: sample-thresholds
			    rules:
			      - record: job_metrics_lag_threshold_seconds
			        expr: vector(%d)
			        labels:
			          queue: %s
			""".formatted(THRESHOLD_SECONDS, QUEUE);

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@TempDir
	static Path directory;

	private static WebhookReceiver webhook;

	private static AlertmanagerProcess alertmanager;

	private static SampleAppProcess app;

	private static RulesPrometheusContainer prometheus;

	@BeforeAll
	static void start() throws Exception {
		webhook = new WebhookReceiver();
		alertmanager = AlertmanagerProcess.start(webhook.uri(), directory);
		int appPort = FreePorts.next();
		app = SampleAppProcess.start("heartbeat-lag-it", appPort,
				List.of("--job-metrics.heartbeat.interval=1s", "--sample.faults.stop-nightly-consumers-after=90s"));
		Map<String, String> ruleFiles = new LinkedHashMap<>();
		ruleFiles.put("job-metrics.yml", OperationsKitIT.shortened(resource("META-INF/job-metrics/prometheus-rules.yml")));
		ruleFiles.put("thresholds.yml", THRESHOLDS);
		prometheus = new RulesPrometheusContainer(appPort, alertmanager.port(), INTERVAL, ruleFiles);
		prometheus.start();
	}

	@AfterAll
	static void stop() {
		if (prometheus != null) {
			prometheus.stop();
		}
		if (app != null) {
			app.close();
		}
		if (alertmanager != null) {
			alertmanager.close();
		}
		if (webhook != null) {
			webhook.close();
		}
	}

	@Test
	void anIdleQueueWithHeartbeatsDoesNotPageAndAStoppedConsumerDoes() {
		String heartbeatLag = "queue:job_queue_alert_lag_seconds{queue=\"" + QUEUE + "\",lag_from=\"heartbeats\"}";
		await("heartbeat lag of " + QUEUE).atMost(Duration.ofMinutes(2)).until(() -> value(heartbeatLag) != null);
		Instant watched = Instant.now();
		// Idle, consumers running: the lag from runs passes threshold + for (the old rule would page), no page.
		String runsLag = "queue:job_queue_lag_seconds{queue=\"" + QUEUE + "\"}";
		await("an idle queue watched beyond threshold + for").atMost(Duration.ofSeconds(75))
			.pollInterval(Duration.ofSeconds(1))
			.until(() -> {
				assertThat(value("ALERTS{alertname=\"JobQueueLagHigh\",queue=\"" + QUEUE + "\"}"))
					.as("JobQueueLagHigh of the idle queue, lag %s", value(heartbeatLag))
					.isNull();
				Double idle = value(runsLag);
				return idle != null && idle > 2 * (THRESHOLD_SECONDS + FOR_SECONDS)
						&& Duration.between(watched, Instant.now()).toSeconds() > THRESHOLD_SECONDS + FOR_SECONDS;
			});
		assertThat(firing()).isNull();
		// The consumers stop 90 s after start-up: the page reaches the webhook through Alertmanager.
		await("JobQueueLagHigh of " + QUEUE + " at the webhook (Alertmanager log: " + alertmanager.log() + ")")
			.atMost(Duration.ofMinutes(2))
			.pollInterval(Duration.ofMillis(500))
			.until(() -> firing() != null);
		JsonNode page = firing();
		assertThat(page.path("labels").path("severity").asString()).isEqualTo("page");
		assertThat(page.path("labels").path("lag_from").asString()).isEqualTo("heartbeats");
		assertThat(page.path("labels").path("job").asString()).isEqualTo("sample-app");
		assertThat(page.path("annotations").path("description").asString())
			.startsWith("The newest heartbeat consumed from queue " + QUEUE + " was sent")
			.contains("more than its threshold of 10s");
		// Within threshold + for of the last heartbeat consumed, give or take a scrape and an evaluation each way.
		double lastHeartbeat = value("max(job_queue_heartbeat_timestamp_seconds{queue=\"" + QUEUE + "\"})");
		double startsAt = Instant.parse(page.path("startsAt").asString()).toEpochMilli() / 1e3;
		assertThat(startsAt - lastHeartbeat).isBetween((double) THRESHOLD_SECONDS,
				THRESHOLD_SECONDS + FOR_SECONDS + 4.0 * INTERVAL.toSeconds() + 1);
	}

	private static JsonNode firing() {
		return webhook.alerts()
			.stream()
			.filter((alert) -> "JobQueueLagHigh".equals(alert.path("labels").path("alertname").asString())
					&& QUEUE.equals(alert.path("labels").path("queue").asString())
					&& "firing".equals(alert.path("status").asString()))
			.findFirst()
			.orElse(null);
	}

	private static Double value(String query) {
		JsonNode result = get("/api/v1/query", "query=" + URLEncoder.encode(query, StandardCharsets.UTF_8))
			.path("result");
		return result.isEmpty() ? null : Double.parseDouble(result.get(0).path("value").get(1).asString());
	}

	private static JsonNode get(String path, String parameters) {
		URI uri = prometheus.baseUri().resolve(path + "?" + parameters);
		try {
			HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build();
			HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() != 200) {
				throw new IllegalStateException("Prometheus answered " + response.statusCode() + " to " + uri + ": "
						+ response.body());
			}
			return json.readTree(response.body()).path("data");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Prometheus did not answer " + uri, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static String resource(String name) throws IOException {
		try (InputStream in = HeartbeatLagIT.class.getClassLoader().getResourceAsStream(name)) {
			assertThat(in).as(name + " on the classpath (from the job-metrics-autoconfigure jar)").isNotNull();
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
	}

}
