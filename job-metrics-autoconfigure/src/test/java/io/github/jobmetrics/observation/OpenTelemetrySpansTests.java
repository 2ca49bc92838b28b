package io.github.jobmetrics.observation;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.github.jobmetrics.JobRun;
import io.github.jobmetrics.JobTracer;
import io.github.jobmetrics.TracedJob;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * The README's tracing set-up, end to end: Spring Boot's OpenTelemetry starter, every span sampled, spans exported
 * to the OpenTelemetry SDK's in-memory exporter, and {@code /actuator/prometheus} scraped over HTTP in OpenMetrics.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=prometheus",
				"management.tracing.sampling.probability=1.0",
				// The three jobs below are registered at start-up: any other name folds into "other".
				"job-metrics.max-job-names=3",
				// Metrics export in tests: spring.test.metrics.export on Boot 4, and on Boot 3.5 (with tracing)
				// spring.test.observability.auto-configure; each line ignores the other's.
				"spring.test.metrics.export=true", "spring.test.observability.auto-configure=true" })
class OpenTelemetrySpansTests {

	@Autowired
	private InMemorySpanExporter exporter;

	@Autowired
	private Jobs jobs;

	@Autowired
	private JobTracer jobTracer;

	@LocalServerPort
	private int port;

	@Test
	void runIsOneExportedSpanWithTheRunsTagsAndErrorStatus() {
		assertThatIllegalStateException().isThrownBy(this.jobs::failing);
		SpanData span = exported("otel-failing");
		assertThat(span.getAttributes().get(AttributeKey.stringKey("job.name"))).isEqualTo("otel-failing");
		assertThat(span.getAttributes().get(AttributeKey.stringKey("queue"))).isEqualTo("none");
		assertThat(span.getAttributes().get(AttributeKey.stringKey("result"))).isEqualTo("failure");
		assertThat(span.getAttributes().get(AttributeKey.stringKey("exception"))).isEqualTo("IllegalStateException");
		assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
	}

	@Test
	void spanOfAJobNameBeyondTheCapCarriesTheLabelsOfItsMetersAndTheScrapeNoFamilyOfItsObservation()
			throws Exception {
		assertThat(this.jobTracer).isInstanceOf(ObservedJobTracer.class);
		JobRun run = this.jobTracer.start("otel-dynamic-" + System.nanoTime(), "inbox");
		run.failedWithoutRetry(new UnsupportedOperationException("not yet"));
		run.close();
		SpanData span = exported("other");
		assertThat(span.getAttributes().get(AttributeKey.stringKey("job.name"))).isEqualTo("other");
		assertThat(span.getAttributes().get(AttributeKey.stringKey("queue"))).isEqualTo("inbox");
		assertThat(span.getAttributes().get(AttributeKey.stringKey("result"))).isEqualTo("failure");
		assertThat(span.getAttributes().get(AttributeKey.stringKey("exception")))
			.isEqualTo("UnsupportedOperationException");
		assertThat(span.getAttributes().get(AttributeKey.stringKey("job.requested.name"))).startsWith("otel-dynamic-");
		assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
		assertThat(names().stream().filter("other"::equals)).hasSize(1);
		String scrape = scrape("text/plain");
		assertThat(scrape).contains("job_executions_total{job_name=\"other\",queue=\"inbox\",result=\"failure\"} 1")
			.doesNotContain("job_run");
		assertThat(scrape.lines().filter((line) -> line.contains("otel-dynamic-"))).isEmpty();
	}

	@Test
	void asyncRunIsExportedWhenItsStageCompletes() {
		CompletableFuture<String> stage = new CompletableFuture<>();
		this.jobs.pending(stage);
		assertThat(names()).doesNotContain("otel-async");
		stage.complete("done");
		SpanData span = exported("otel-async");
		assertThat(span.getAttributes().get(AttributeKey.stringKey("result"))).isEqualTo("success");
	}

	@Test
	void scrapeInOpenMetricsCarriesTheRunsTraceIdOnItsDurationBucket() throws Exception {
		this.jobs.quick();
		SpanData span = exported("otel-quick");
		assertThat(scrape("application/openmetrics-text; version=1.0.0").lines()
			.filter((line) -> line.startsWith("job_duration_seconds_bucket{job_name=\"otel-quick\""))
			.filter((line) -> line.contains("trace_id=\"" + span.getTraceId() + "\""))).isNotEmpty();
	}

	private String scrape(String accept) throws Exception {
		return HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + "/actuator/prometheus"))
				.header("Accept", accept)
				.build(), HttpResponse.BodyHandlers.ofString())
			.body();
	}

	private SpanData exported(String name) {
		return await().atMost(Duration.ofSeconds(10))
			.until(() -> this.exporter.getFinishedSpanItems()
				.stream()
				.filter((span) -> span.getName().equals(name))
				.toList(), (spans) -> !spans.isEmpty())
			.get(0);
	}

	private List<String> names() {
		return this.exporter.getFinishedSpanItems().stream().map(SpanData::getName).toList();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Application {

		@Bean
		InMemorySpanExporter inMemorySpanExporter() {
			return InMemorySpanExporter.create();
		}

		@Bean
		Jobs jobs() {
			return new Jobs();
		}

	}

	static class Jobs {

		@TracedJob("otel-failing")
		public void failing() {
			throw new IllegalStateException("broken");
		}

		@TracedJob("otel-async")
		public CompletableFuture<String> pending(CompletableFuture<String> stage) {
			return stage;
		}

		@TracedJob("otel-quick")
		public void quick() {
		}

	}

}
