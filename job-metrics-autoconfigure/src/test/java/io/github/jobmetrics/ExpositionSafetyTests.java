package io.github.jobmetrics;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What a real application exposes at {@code /actuator/prometheus}, over HTTP in both exposition formats: no
 * argument, payload or exception message of a job ever appears there or in job-metrics' logs, and label values
 * taken from user input (quotes, backslashes, newlines, Unicode) keep the exposition valid for
 * {@code promtool check metrics}.
 */
// Metrics export is on in tests with spring.test.metrics.export on Boot 4 (what @AutoConfigureMetrics sets), and with
// spring.test.observability.auto-configure on Boot 3.5: each line ignores the other's, so this runs on every line.
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=prometheus", "job-metrics.max-exception-names=2",
				"spring.test.metrics.export=true", "spring.test.observability.auto-configure=true" })
@ExtendWith(OutputCaptureExtension.class)
class ExpositionSafetyTests {

	private static final String SECRET = "s3cr3t-7d1f0c";

	private static final String TEXT = "text/plain;version=0.0.4";

	private static final String OPEN_METRICS = "application/openmetrics-text;version=1.0.0";

	private static final List<String> HOSTILE_NAMES = List.of("quote\"d", "back\\slash", "new\nline",
			"trailing\\", "ünïcødé ✓ 日本語 🚀", "brace} x=\"1\",{", "# HELP job_inflight fake", "tab\tand\rreturn",
			"\u0000nul");

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	private int port;

	@Autowired
	private SecretJobs jobs;

	@Autowired
	private JobTracer tracer;

	@Test
	void secretsInArgumentsPayloadsAndExceptionMessagesAppearNowhere(CapturedOutput output) throws Exception {
		assertThat(this.jobs.handle("payload with " + SECRET)).isEqualTo("handled");
		assertThatIllegalStateException().isThrownBy(() -> this.jobs.reject("payload with " + SECRET))
			.withMessageContaining(SECRET);
		CompletableFuture<String> future = this.jobs.later(SECRET);
		assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS)).hasMessageContaining(SECRET);
		assertThatThrownBy(() -> this.jobs.reactive(SECRET).block(Duration.ofSeconds(10)))
			.hasMessageContaining(SECRET);
		// A third exception type passes the cap of 2, which job-metrics logs.
		assertThatThrownBy(() -> this.jobs.unsupported(SECRET)).hasMessageContaining(SECRET);
		assertThat(output.getOut()).contains("reached its cap of 2 distinct values of the label exception");
		for (String format : List.of(TEXT, OPEN_METRICS)) {
			String scrape = scrape(format);
			assertThat(scrape).contains("job_name=\"secret-reject\"").contains("exception=\"IllegalStateException\"")
				.contains("job_name=\"secret-later\"").contains("job_name=\"secret-reactive\"")
				.doesNotContain(SECRET);
		}
		assertThat(output.getAll()).doesNotContain(SECRET);
	}

	@ParameterizedTest
	@ValueSource(strings = { TEXT, OPEN_METRICS })
	void hostileLabelValuesKeepTheExpositionValidForPromtool(String format, @TempDir Path dir) throws Exception {
		for (String name : HOSTILE_NAMES) {
			this.tracer.start(name, name).close();
			JobRun failed = this.tracer.start(name, null);
			failed.failed(new IllegalStateException(name) {
			});
			failed.close();
		}
		String scrape = scrape(format);
		assertThat(scrape).contains("job_name=\"quote\\\"d\"").contains("job_name=\"new\\nline\"")
			.contains("job_name=\"back\\\\slash\"").contains("ünïcødé ✓ 日本語 🚀");
		if (format.equals(TEXT)) {
			// promtool lints the whole scrape: 3 means lint findings only (Boot's and the JVM's meters have some),
			// 1 a scrape it cannot parse. Ours must have none.
			PromtoolResult result = promtool(dir, scrape, "check", "metrics");
			assertThat(result.exitCode()).as(result.output()).isIn(0, 3);
			// Every job_ family is ours, including with a tracing bridge (this module's tests have OpenTelemetry): no
			// meter handler makes job_run_* of the span's Observation.
			assertThat(result.output().lines()).as(result.output()).noneMatch((line) -> line.startsWith("job_"));
			assertThat(scrape).doesNotContain("job_run");
		}
		else {
			// promtool check metrics reads only the text format. Its OpenMetrics backfill parses with Prometheus'
			// own OpenMetrics parser, and wants a timestamp on each sample: one is appended, nothing else changes.
			// Split on \n only: a \r inside a label value is a valid character of OpenMetrics, not a line end.
			String timestamped = Arrays.stream(scrape.split("\n"))
				.map((line) -> (line.isEmpty() || line.startsWith("#")) ? line : timestamped(line))
				.collect(Collectors.joining("\n", "", "\n"));
			PromtoolResult result = promtool(dir, timestamped, "tsdb", "create-blocks-from", "openmetrics",
					"scrape.txt", dir.resolve("blocks").toString());
			assertThat(result.exitCode()).as(result.output()).isZero();
		}
	}

	// Exemplars (" # {trace_id=...} value ts", from the tracing on the test class path) are cut: this test is about
	// label values, and Prometheus 2.42's parser rejects the exemplar Micrometer puts on a histogram's _count.
	private static String timestamped(String line) {
		int exemplar = line.indexOf(" # {");
		return ((exemplar < 0) ? line : line.substring(0, exemplar)) + " 1700000000";
	}

	private static PromtoolResult promtool(Path dir, String input, String... arguments)
			throws IOException, InterruptedException {
		Path file = dir.resolve("scrape.txt");
		Files.writeString(file, input, StandardCharsets.UTF_8);
		List<String> command = new ArrayList<>();
		command.add(promtool());
		command.addAll(List.of(arguments));
		Process process = new ProcessBuilder(command).directory(dir.toFile())
			.redirectInput(file.toFile())
			.redirectErrorStream(true)
			.start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		return new PromtoolResult(process.exitValue(), "promtool " + String.join(" ", arguments) + ":\n" + output);
	}

	record PromtoolResult(int exitCode, String output) {
	}

	private String scrape(String format) throws IOException, InterruptedException {
		URI uri = URI.create("http://localhost:" + this.port + "/actuator/prometheus");
		HttpRequest request = HttpRequest.newBuilder(uri)
			.header("Accept", format)
			.timeout(Duration.ofSeconds(10))
			.build();
		HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
				(contentType) -> assertThat(contentType).startsWith(format));
		return response.body();
	}

	static String promtool() {
		for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
			Path candidate = Path.of(dir, "promtool");
			if (Files.isExecutable(candidate)) {
				return candidate.toString();
			}
		}
		throw new AssertionError("promtool is not on the PATH: install Debian's prometheus package "
				+ "(scripts/test.sh does, through scripts/container-runtime.sh)");
	}

	@SpringBootApplication
	static class SecretApplication {

		@Bean
		SecretJobs secretJobs() {
			return new SecretJobs();
		}

	}

	static class SecretJobs {

		@TracedJob("secret-handle")
		public String handle(String payload) {
			return "handled";
		}

		@TracedJob("secret-reject")
		public void reject(String payload) {
			throw new IllegalStateException("rejected " + payload);
		}

		@TracedJob("secret-later")
		public CompletableFuture<String> later(String payload) {
			return CompletableFuture.failedFuture(new CompletionException(new IllegalArgumentException(payload)));
		}

		@TracedJob("secret-unsupported")
		public void unsupported(String payload) {
			throw new UnsupportedOperationException(payload);
		}

		@TracedJob(name = "secret-reactive", queue = "secret-queue")
		public Mono<String> reactive(String payload) {
			return Mono.error(new IllegalStateException("no " + payload));
		}

	}

}
