package io.github.jobmetrics;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * End-to-end tests: a Spring Boot application with {@code @TracedJob} beans, scraped over HTTP at
 * {@code /actuator/prometheus}. Each test uses jobs that no other test runs, so they share one context.
 */
// Metrics export is off in tests unless switched on: spring.test.metrics.export is Boot 4's switch (as
// @AutoConfigureMetrics sets it), spring.test.observability.auto-configure Boot 3.5's; each line ignores the other.
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=prometheus", "spring.test.metrics.export=true",
				"spring.test.observability.auto-configure=true" })
class JobMetricsEndToEndTests {

	private static final List<String> DEFAULT_BUCKETS = List.of("0.005", "0.01", "0.025", "0.05", "0.1", "0.25",
			"0.5", "1.0", "2.5", "5.0", "10.0", "30.0", "60.0", "120.0", "300.0", "600.0", "1800.0", "3600.0",
			"7200.0", "21600.0", "+Inf");

	private final HttpClient http = HttpClient.newHttpClient();

	private final ExecutorService executor = Executors.newSingleThreadExecutor();

	@LocalServerPort
	private int port;

	@Autowired
	private InvoiceExport invoiceExport;

	@Autowired
	private PaymentSync paymentSync;

	@Autowired
	private ReportBuild reportBuild;

	@Autowired
	private AsyncExport asyncExport;

	@AfterEach
	void stopExecutor() throws InterruptedException {
		this.executor.shutdown();
		assertThat(this.executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void scrapeShowsFinishedRunsByResultWithTheirDurationHistogram() throws Exception {
		Scrape before = scrape();
		for (String job : List.of("invoice-export", "payment-sync")) {
			for (String result : List.of("success", "failure", "retry", "cancelled")) {
				assertThat(before.value("job_executions_total", "job_name", job, "result", result))
					.as("%s %s before any run", job, result)
					.isZero();
			}
		}
		double startedAt = System.currentTimeMillis() / 1e3;
		// Before the first success: the time the job's meters were built, at start-up.
		double startUp = before.value("job_last_success_timestamp_seconds", "job_name", "payment-sync");
		assertThat(startUp).isPositive().isLessThanOrEqualTo(startedAt);
		assertThat(before.value("job_last_success_timestamp_seconds", "job_name", "invoice-export"))
			.isEqualTo(startUp, within(60.0));
		assertThat(before.samples("job_exceptions_total", "job_name", "payment-sync")).isEmpty();
		this.invoiceExport.export();
		this.invoiceExport.export();
		assertThatIllegalStateException().isThrownBy(this.paymentSync::sync);
		double endedAt = System.currentTimeMillis() / 1e3;

		Scrape scrape = scrape();
		assertThat(scrape.sample("job_executions_total", "job_name", "invoice-export", "result", "success").labels())
			.containsExactlyInAnyOrderEntriesOf(Map.of("job_name", "invoice-export", "queue", "invoices", "result",
					"success"));
		assertThat(scrape.value("job_executions_total", "job_name", "invoice-export", "result", "success"))
			.isEqualTo(2.0);
		assertThat(scrape.value("job_executions_total", "job_name", "payment-sync", "queue", "none", "result",
				"failure"))
			.isEqualTo(1.0);
		assertThat(scrape.value("job_executions_total", "job_name", "payment-sync", "result", "success")).isZero();
		assertThat(scrape.value("job_executions_total", "job_name", "payment-sync", "result", "retry")).isZero();
		assertThat(scrape.sample("job_exceptions_total", "job_name", "payment-sync").labels())
			.containsExactlyInAnyOrderEntriesOf(Map.of("job_name", "payment-sync", "queue", "none", "result",
					"failure", "exception", "IllegalStateException"));
		assertThat(scrape.value("job_exceptions_total", "job_name", "payment-sync")).isEqualTo(1.0);
		assertThat(scrape.help("job_exceptions_total")).startsWith("Failed runs by result");
		assertThat(scrape.type("job_exceptions_total")).isEqualTo("counter");

		List<Sample> buckets = scrape.samples("job_duration_seconds_bucket", "job_name", "invoice-export");
		assertThat(buckets).extracting((bucket) -> bucket.labels().get("le"))
			.containsExactlyElementsOf(DEFAULT_BUCKETS);
		assertThat(buckets).allSatisfy((bucket) -> assertThat(bucket.labels().keySet())
			.containsExactlyInAnyOrder("job_name", "queue", "le"));
		assertThat(buckets.get(buckets.size() - 1).value()).isEqualTo(2.0);
		assertThat(scrape.value("job_duration_seconds_count", "job_name", "invoice-export")).isEqualTo(2.0);
		assertThat(scrape.value("job_duration_seconds_count", "job_name", "payment-sync")).isEqualTo(1.0);
		double durationSum = scrape.value("job_duration_seconds_sum", "job_name", "invoice-export");
		assertThat(durationSum).isGreaterThan(0).isLessThan(endedAt - startedAt + 1);

		assertThat(scrape.sample("job_worked_seconds_total", "job_name", "invoice-export").labels())
			.containsExactlyInAnyOrderEntriesOf(Map.of("job_name", "invoice-export", "queue", "invoices"));
		assertThat(scrape.value("job_worked_seconds_total", "job_name", "invoice-export"))
			.isCloseTo(durationSum, within(1e-6));
		assertThat(scrape.value("job_inflight", "job_name", "invoice-export")).isZero();
		assertThat(scrape.value("job_oldest_inflight_age_seconds", "job_name", "invoice-export")).isZero();
		assertThat(scrape.value("job_last_success_timestamp_seconds", "job_name", "invoice-export"))
			.isBetween(Math.floor(startedAt) - 1, endedAt + 1);
		assertThat(scrape.value("job_last_success_timestamp_seconds", "job_name", "payment-sync")).isEqualTo(startUp);
	}

	@Test
	void scrapeCountsTheWorkOfARunStillInFlight() throws Exception {
		Scrape idle = scrape();
		assertThat(idle.value("job_worked_seconds_total", "job_name", "report-build")).isZero();
		assertThat(idle.value("job_inflight", "job_name", "report-build")).isZero();
		CountDownLatch started = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		try {
			CompletableFuture<Void> run = CompletableFuture
				.runAsync(() -> this.reportBuild.build(started, release), this.executor);
			assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

			Scrape first = scrape();
			assertThat(first.sample("job_inflight", "job_name", "report-build").labels())
				.containsExactlyInAnyOrderEntriesOf(Map.of("job_name", "report-build", "queue", "reports"));
			assertThat(first.value("job_inflight", "job_name", "report-build")).isEqualTo(1.0);
			double workedInFlight = first.value("job_worked_seconds_total", "job_name", "report-build");
			assertThat(workedInFlight).isPositive()
				.isGreaterThan(first.value("job_duration_seconds_sum", "job_name", "report-build"));
			assertThat(first.value("job_duration_seconds_count", "job_name", "report-build")).isZero();
			assertThat(first.value("job_oldest_inflight_age_seconds", "job_name", "report-build")).isPositive();
			assertThat(first.value("job_last_success_timestamp_seconds", "job_name", "report-build"))
				.isEqualTo(idle.value("job_last_success_timestamp_seconds", "job_name", "report-build"));
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(scrape().value("job_worked_seconds_total", "job_name", "report-build"))
					.isGreaterThan(workedInFlight));

			release.countDown();
			run.get(10, TimeUnit.SECONDS);
		}
		finally {
			release.countDown();
		}
		Scrape done = scrape();
		assertThat(done.value("job_inflight", "job_name", "report-build")).isZero();
		assertThat(done.value("job_oldest_inflight_age_seconds", "job_name", "report-build")).isZero();
		assertThat(done.value("job_executions_total", "job_name", "report-build", "result", "success")).isEqualTo(1.0);
		assertThat(done.value("job_worked_seconds_total", "job_name", "report-build"))
			.isCloseTo(done.value("job_duration_seconds_sum", "job_name", "report-build"), within(1e-6));
		assertThat(done.value("job_last_success_timestamp_seconds", "job_name", "report-build"))
			.isCloseTo(System.currentTimeMillis() / 1e3, within(60.0));
	}

	@Test
	void asyncJobCountsAsWorkWhileItsFutureIsPendingAndEndsWithIt() throws Exception {
		CompletableFuture<String> pending = new CompletableFuture<>();
		CompletableFuture<String> returned = this.asyncExport.export(pending);
		assertThat(returned).isSameAs(pending);
		Scrape first = scrape();
		assertThat(first.value("job_inflight", "job_name", "async-export")).isEqualTo(1.0);
		double workedWhilePending = first.value("job_worked_seconds_total", "job_name", "async-export");
		assertThat(workedWhilePending).isPositive();
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(scrape().value("job_worked_seconds_total", "job_name", "async-export"))
				.isGreaterThan(workedWhilePending));
		pending.completeExceptionally(new IllegalStateException("export rejected"));
		Scrape done = scrape();
		assertThat(done.value("job_inflight", "job_name", "async-export")).isZero();
		assertThat(done.value("job_executions_total", "job_name", "async-export", "result", "failure")).isEqualTo(1.0);
		assertThat(done.value("job_executions_total", "job_name", "async-export", "result", "success")).isZero();
		assertThat(done.value("job_worked_seconds_total", "job_name", "async-export"))
			.isCloseTo(done.value("job_duration_seconds_sum", "job_name", "async-export"), within(1e-6));
	}

	@Test
	void scrapeDescribesEveryMeterWithItsType() throws Exception {
		Scrape scrape = scrape();
		assertThat(scrape.help("job_worked_seconds_total")).startsWith("Seconds spent working");
		assertThat(scrape.type("job_worked_seconds_total")).isEqualTo("counter");
		assertThat(scrape.help("job_executions_total")).startsWith("Finished runs by result");
		assertThat(scrape.type("job_executions_total")).isEqualTo("counter");
		assertThat(scrape.help("job_duration_seconds")).startsWith("Duration of finished runs");
		assertThat(scrape.type("job_duration_seconds")).isEqualTo("histogram");
		assertThat(scrape.help("job_inflight")).isEqualTo("Runs in progress");
		assertThat(scrape.type("job_inflight")).isEqualTo("gauge");
		assertThat(scrape.help("job_last_success_timestamp_seconds")).startsWith("Unix time of the last successful");
		assertThat(scrape.type("job_last_success_timestamp_seconds")).isEqualTo("gauge");
		assertThat(scrape.help("job_oldest_inflight_age_seconds")).startsWith("Age of the longest-running run");
		assertThat(scrape.type("job_oldest_inflight_age_seconds")).isEqualTo("gauge");
		for (String name : List.of("job_worked_seconds_total", "job_inflight", "job_last_success_timestamp_seconds",
				"job_oldest_inflight_age_seconds", "job_duration_seconds_count", "job_duration_seconds_sum")) {
			assertThat(scrape.samples(name)).allSatisfy(
					(sample) -> assertThat(sample.labels().keySet()).containsExactlyInAnyOrder("job_name", "queue"));
		}
		assertThat(scrape.samples("job_executions_total")).allSatisfy((sample) -> assertThat(sample.labels().keySet())
			.containsExactlyInAnyOrder("job_name", "queue", "result"));
		assertThat(scrape.samples("job_executions_total")).extracting((sample) -> sample.labels().get("result"))
			.containsOnly("success", "failure", "retry", "cancelled")
			.hasSize(16);
		assertThat(scrape.samples("job_worked_seconds_total")).extracting((sample) -> sample.labels().get("job_name"))
			.containsExactlyInAnyOrder("invoice-export", "payment-sync", "report-build", "async-export");
	}

	@Test
	void scrapeHasNoNaNInAnyJobSeries() throws Exception {
		// Some push backends drop NaN, and a NaN timestamp makes the stale-job alert blind. Only our series: the
		// JVM's own gauges are not ours to judge.
		List<Sample> jobSamples = scrape().samples()
			.stream()
			.filter((sample) -> sample.name().startsWith("job_"))
			.toList();
		assertThat(jobSamples).extracting(Sample::name).contains("job_last_success_timestamp_seconds");
		assertThat(jobSamples).allSatisfy((sample) -> assertThat(sample.value()).as(sample.toString()).isNotNaN());
	}

	private Scrape scrape() throws IOException, InterruptedException {
		URI uri = URI.create("http://localhost:" + this.port + "/actuator/prometheus");
		HttpRequest request = HttpRequest.newBuilder(uri)
			.header("Accept", "text/plain")
			.timeout(Duration.ofSeconds(10))
			.build();
		HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
				(contentType) -> assertThat(contentType).startsWith("text/plain;version=0.0.4"));
		return Scrape.parse(response.body());
	}

	/**
	 * One sample of the Prometheus text format: a line {@code name{labels} value}.
	 */
	record Sample(String name, Map<String, String> labels, double value) {

		boolean matches(String name, String... labels) {
			if (!this.name.equals(name)) {
				return false;
			}
			for (int i = 0; i < labels.length; i += 2) {
				if (!labels[i + 1].equals(this.labels.get(labels[i]))) {
					return false;
				}
			}
			return true;
		}

	}

	/**
	 * A parsed scrape in the Prometheus text format 0.0.4.
	 */
	record Scrape(List<Sample> samples, Map<String, String> helps, Map<String, String> types) {

		private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)$");

		private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

		static Scrape parse(String body) {
			List<Sample> samples = new ArrayList<>();
			Map<String, String> helps = new LinkedHashMap<>();
			Map<String, String> types = new LinkedHashMap<>();
			for (String line : body.split("\n")) {
				if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
					String[] parts = line.substring(7).split(" ", 2);
					(line.startsWith("# HELP ") ? helps : types).put(parts[0], (parts.length > 1) ? parts[1] : "");
				}
				else if (!line.isBlank() && !line.startsWith("#")) {
					Matcher sample = SAMPLE.matcher(line);
					assertThat(sample.matches()).as("sample line '%s'", line).isTrue();
					Map<String, String> labels = new LinkedHashMap<>();
					if (sample.group(2) != null) {
						Matcher label = LABEL.matcher(sample.group(2));
						while (label.find()) {
							labels.put(label.group(1), label.group(2));
						}
					}
					samples.add(new Sample(sample.group(1), labels, value(sample.group(3))));
				}
			}
			return new Scrape(samples, helps, types);
		}

		private static double value(String text) {
			return switch (text) {
				case "+Inf" -> Double.POSITIVE_INFINITY;
				case "-Inf" -> Double.NEGATIVE_INFINITY;
				default -> Double.parseDouble(text);
			};
		}

		List<Sample> samples(String name, String... labels) {
			return this.samples.stream().filter((sample) -> sample.matches(name, labels)).toList();
		}

		Sample sample(String name, String... labels) {
			List<Sample> matching = samples(name, labels);
			assertThat(matching).as("samples of %s with %s", name, List.of(labels)).hasSize(1);
			return matching.get(0);
		}

		double value(String name, String... labels) {
			return sample(name, labels).value();
		}

		String help(String name) {
			assertThat(this.helps).as("# HELP lines").containsKey(name);
			return this.helps.get(name);
		}

		String type(String name) {
			assertThat(this.types).as("# TYPE lines").containsKey(name);
			return this.types.get(name);
		}

	}

	@SpringBootApplication
	static class JobsApplication {

		@Bean
		InvoiceExport invoiceExport() {
			return new InvoiceExport();
		}

		@Bean
		PaymentSync paymentSync() {
			return new PaymentSync();
		}

		@Bean
		ReportBuild reportBuild() {
			return new ReportBuild();
		}

		@Bean
		AsyncExport asyncExport() {
			return new AsyncExport();
		}

	}

	static class AsyncExport {

		@TracedJob("async-export")
		public CompletableFuture<String> export(CompletableFuture<String> work) {
			return work;
		}

	}

	static class InvoiceExport {

		@TracedJob(name = "invoice-export", queue = "invoices")
		public void export() {
		}

	}

	static class PaymentSync {

		@TracedJob("payment-sync")
		public void sync() {
			throw new IllegalStateException("payment provider unavailable");
		}

	}

	static class ReportBuild {

		@TracedJob(name = "report-build", queue = "reports")
		public void build(CountDownLatch started, CountDownLatch release) {
			started.countDown();
			try {
				if (!release.await(30, TimeUnit.SECONDS)) {
					throw new IllegalStateException("Never released");
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

}
