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

import com.jayway.jsonpath.JsonPath;
import io.github.jobmetrics.TracedJob;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

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
 * their thread, a bounded list, and never an argument or exception message. Read with JsonPath (of
 * {@code spring-boot-starter-test}), so that it runs on every Boot line: 3.5 has no Jackson 3.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=jobs", "job-metrics.endpoint.max-runs-per-job=2" })
class JobsEndpointTests {

	private static final String SECRET = "card-4111-1111-1111-1111";

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
		Map<String, Object> job = job(response.body(), "settlement");
		assertThat(job.get("queue")).isEqualTo("payments");
		assertThat(runs(job)).containsEntry("success", 1).containsEntry("failure", 1)
			.containsEntry("retry", 0)
			.containsEntry("cancelled", 0);
		assertThat(number(job, "workedSeconds")).isPositive();
		assertThat(Instant.parse((String) job.get("lastSuccess"))).isBeforeOrEqualTo(beforeRuns);
		assertThat(job.get("inFlight")).isEqualTo(3);
		assertThat(job.get("omittedRunsInFlight")).isEqualTo(1);
		List<Map<String, Object>> runs = runsInFlight(job);
		assertThat(runs).hasSize(2);
		assertThat(runs.get(0).get("threadName")).isEqualTo("settler-0");
		assertThat(runs.get(1).get("threadName")).isEqualTo("settler-1");
		for (Map<String, Object> run : runs) {
			assertThat(run.get("jobName")).isEqualTo("settlement");
			assertThat(run.get("queue")).isEqualTo("payments");
			assertThat(number(run, "elapsedSeconds")).isPositive().isLessThan(60);
			assertThat(Instant.parse((String) run.get("started"))).isBetween(beforeRuns.minusSeconds(1), Instant.now());
		}
		assertThat(number(runs.get(0), "elapsedSeconds")).isGreaterThanOrEqualTo(number(runs.get(1), "elapsedSeconds"));
		assertThat(runs.get(0).keySet()).containsExactlyInAnyOrder("jobName", "queue", "started", "elapsedSeconds",
				"threadName");
	}

	@Test
	void showsNoLastSuccessForAJobThatHasNotSucceededYet() throws Exception {
		Map<String, Object> job = job(get("/actuator/jobs").body(), "reconciliation");
		// Boot's endpoint mapper leaves null properties out.
		assertThat(job.get("lastSuccess")).as(job.toString()).isNull();
		assertThat(job.get("inFlight")).isEqualTo(0);
		assertThat(runsInFlight(job)).isEmpty();
	}

	private static Map<String, Object> job(String body, String name) {
		List<Map<String, Object>> jobs = JsonPath.parse(body).read("$.jobs");
		return jobs.stream()
			.filter((job) -> name.equals(job.get("jobName")))
			.findFirst()
			.orElseThrow(() -> new AssertionError("No job " + name + " in " + body));
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> runs(Map<String, Object> job) {
		return (Map<String, Object>) job.get("runs");
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> runsInFlight(Map<String, Object> job) {
		return (List<Map<String, Object>>) job.get("runsInFlight");
	}

	private static double number(Map<String, Object> node, String key) {
		return ((Number) node.get(key)).doubleValue();
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
