package io.github.jobmetrics.endpoint;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.jobmetrics.TracedJob;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * {@code /actuator/jobs} over HTTP while runs are in flight: totals per job, the oldest runs in progress with
 * their thread, a bounded list, and never an argument or exception message.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=jobs", "job-metrics.endpoint.max-runs-per-job=2" })
class JobsEndpointTests {

	private static final String SECRET = "card-4111-1111-1111-1111";

	private static final JsonMapper json = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newHttpClient();

	private final List<Thread> workers = new ArrayList<>();

	@LocalServerPort
	private int port;

	@Autowired
	private Settlement settlement;

	@AfterEach
	void releaseRuns() throws InterruptedException {
		this.settlement.release();
		for (Thread worker : this.workers) {
			worker.join(TimeUnit.SECONDS.toMillis(10));
		}
	}

	@Test
	void listsTotalsAndTheOldestRunsInFlightWithoutArgumentsOrMessages() throws Exception {
		assertThatIllegalStateException().isThrownBy(() -> this.settlement.settleAndFail(SECRET))
			.withMessageContaining(SECRET);
		this.settlement.settle(SECRET);
		Instant beforeRuns = Instant.now();
		for (int i = 0; i < 3; i++) {
			Thread worker = new Thread(() -> this.settlement.settleSlowly(SECRET), "settler-" + i);
			worker.start();
			this.workers.add(worker);
			// Start in order, so that the oldest runs are known.
			int started = i + 1;
			await().atMost(Duration.ofSeconds(10)).until(() -> this.settlement.started() == started);
		}

		HttpResponse<String> response = get("/actuator/jobs");

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
				(type) -> assertThat(type).contains("json"));
		assertThat(response.body()).doesNotContain(SECRET).doesNotContain("card");
		JsonNode job = job(json.readTree(response.body()), "settlement");
		assertThat(job.path("queue").asString()).isEqualTo("payments");
		assertThat(job.path("runs").path("success").asLong()).isEqualTo(1);
		assertThat(job.path("runs").path("failure").asLong()).isEqualTo(1);
		assertThat(job.path("runs").path("retry").asLong()).isZero();
		assertThat(job.path("runs").path("cancelled").asLong()).isZero();
		assertThat(job.path("workedSeconds").asDouble()).isPositive();
		assertThat(Instant.parse(job.path("lastSuccess").asString())).isBeforeOrEqualTo(beforeRuns);
		assertThat(job.path("inFlight").asInt()).isEqualTo(3);
		assertThat(job.path("omittedRunsInFlight").asInt()).isEqualTo(1);
		JsonNode runs = job.path("runsInFlight");
		assertThat(runs.size()).isEqualTo(2);
		assertThat(runs.get(0).path("threadName").asString()).isEqualTo("settler-0");
		assertThat(runs.get(1).path("threadName").asString()).isEqualTo("settler-1");
		for (JsonNode run : runs) {
			assertThat(run.path("jobName").asString()).isEqualTo("settlement");
			assertThat(run.path("queue").asString()).isEqualTo("payments");
			assertThat(run.path("elapsedSeconds").asDouble()).isPositive().isLessThan(60);
			assertThat(Instant.parse(run.path("started").asString())).isBetween(beforeRuns.minusSeconds(1),
					Instant.now());
		}
		assertThat(runs.get(0).path("elapsedSeconds").asDouble())
			.isGreaterThanOrEqualTo(runs.get(1).path("elapsedSeconds").asDouble());
		assertThat(runs.get(0).properties()).extracting(Map.Entry::getKey)
			.containsExactlyInAnyOrder("jobName", "queue", "started", "elapsedSeconds", "threadName");
	}

	@Test
	void showsNoLastSuccessForAJobThatHasNotSucceededYet() throws Exception {
		JsonNode job = job(json.readTree(get("/actuator/jobs").body()), "reconciliation");
		// Boot's endpoint mapper leaves null properties out.
		assertThat(job.path("lastSuccess").isNull() || job.path("lastSuccess").isMissingNode()).as(job.toString())
			.isTrue();
		assertThat(job.path("inFlight").asInt()).isZero();
		assertThat(job.path("runsInFlight").size()).isZero();
	}

	private static JsonNode job(JsonNode body, String name) {
		for (JsonNode job : body.path("jobs")) {
			if (name.equals(job.path("jobName").asString())) {
				return job;
			}
		}
		throw new AssertionError("No job " + name + " in " + body);
	}

	private HttpResponse<String> get(String path) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	@SpringBootApplication
	static class EndpointApplication {

		@Bean
		Settlement settlement() {
			return new Settlement();
		}

		@Bean
		Reconciliation reconciliation() {
			return new Reconciliation();
		}

	}

	public static class Settlement {

		private volatile CountDownLatch release = new CountDownLatch(1);

		private final AtomicInteger started = new AtomicInteger();

		public int started() {
			return this.started.get();
		}

		public void release() {
			CountDownLatch released = this.release;
			this.release = new CountDownLatch(1);
			released.countDown();
		}

		@TracedJob(name = "settlement", queue = "payments")
		public void settle(String card) {
		}

		@TracedJob(name = "settlement", queue = "payments")
		public void settleAndFail(String card) {
			throw new IllegalStateException("Declined " + card);
		}

		@TracedJob(name = "settlement", queue = "payments")
		public void settleSlowly(String card) {
			this.started.incrementAndGet();
			try {
				this.release.await(30, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

	public static class Reconciliation {

		@TracedJob("reconciliation")
		public void reconcile() {
		}

	}

}
