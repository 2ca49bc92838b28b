package io.github.jobmetrics.sample.operations;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The heartbeat lag page end to end: the sample app (heartbeats every second on its queues) with its
 * {@code nightly-imports} queue idle after one message at start-up, and its consumers stopped 90 s after start-up;
 * a real Prometheus evaluating the shipped rules (every {@code for:} shortened to 5 s, as in
 * {@link OperationsStack}) with the queue's lag threshold set to 10 s the documented way, a
 * {@code job_metrics_lag_threshold_seconds} rule; a real Alertmanager routing to a webhook.
 * <p>
 * While the consumers run, the idle queue's lag from runs passes threshold plus {@code for} (the old rule would
 * page) and {@code JobQueueLagHigh} stays silent; once they stop, it fires within threshold plus {@code for} of the
 * last heartbeat consumed, and Alertmanager delivers it.
 */
class HeartbeatLagIT {

	private static final String QUEUE = "nightly-imports";

	private static final Duration INTERVAL = OperationsStack.INTERVAL;

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

	@TempDir
	static Path directory;

	private static OperationsStack stack;

	@BeforeAll
	static void start() throws Exception {
		stack = OperationsStack.start(directory, "heartbeat-lag-it",
				List.of("--job-metrics.heartbeat.interval=1s", "--sample.faults.stop-nightly-consumers-after=90s"),
				THRESHOLDS);
	}

	@AfterAll
	static void stop() {
		if (stack != null) {
			stack.close();
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
		await("JobQueueLagHigh of " + QUEUE + " at the webhook (Alertmanager log: " + stack.alertmanagerLog() + ")")
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
		return stack.alerts()
			.stream()
			.filter((alert) -> "JobQueueLagHigh".equals(alert.path("labels").path("alertname").asString())
					&& QUEUE.equals(alert.path("labels").path("queue").asString())
					&& "firing".equals(alert.path("status").asString()))
			.findFirst()
			.orElse(null);
	}

	private static Double value(String query) {
		return stack.value(query);
	}

}
