package io.github.jobmetrics.prometheus;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
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
import java.util.Locale;
import java.util.Random;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.jobmetrics.JobRun;
import io.github.jobmetrics.JobTracer;
import io.micrometer.core.instrument.MockClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Native against classic histogram quantiles, read by real Prometheus servers (Debian's, started here) scraping this
 * application's {@code /actuator/prometheus}: one with native histograms enabled, which scrapes the protobuf format
 * and keeps the native histogram, one without, which scrapes text and keeps the classic buckets.
 * <p>
 * Two jobs of 4,000 runs each between 10 ms and 30 min (fixed seeds): spread evenly over the decades, and
 * clustered around 2 minutes (log-normal), go through the tracer on Micrometer's {@link MockClock},
 * so that half an hour of run time takes no time: each run is started, the clock advanced by its duration, and the
 * run closed, as any run is recorded.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=prometheus",
				"job-metrics.prometheus.native-histograms=true",
				// Prometheus 2.42 fails a scrape whose OpenMetrics text has an exemplar on a _count, which Micrometer
				// writes when a tracer is present (this module's tests have one)
				"management.tracing.exemplars.include=none",
				// Metrics export in tests: spring.test.metrics.export on Boot 4, spring.test.observability.auto-configure
				// on Boot 3.5; each line ignores the other's.
				"spring.test.metrics.export=true", "spring.test.observability.auto-configure=true" })
class NativeHistogramPrometheusTests {

	static final String NATIVE_QUERY = "histogram_quantile(%s, sum(job_duration_seconds{job_name=\"%s\"}))";

	static final String CLASSIC_QUERY = "histogram_quantile(%s, "
			+ "sum by (le) (job_duration_seconds_bucket{job_name=\"%s\"}))";

	private static final int RUNS = 4000;

	private static final double MIN_SECONDS = 0.010;

	private static final double MAX_SECONDS = 1800;

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	private int port;

	@Autowired
	private JobTracer jobTracer;

	@Autowired
	private MockClock clock;

	@Test
	void nativeQuantilesAreWithinAFewPercentWhereClassicOnesAreOffByTheirBucketWidth(@TempDir Path dir)
			throws Exception {
		// Spread evenly over the decades; and clustered around 2 minutes, as a job's runs usually are.
		double[] spread = recordRuns("spread", (random) -> MIN_SECONDS * Math.pow(MAX_SECONDS / MIN_SECONDS,
				random.nextDouble()));
		double[] clustered = recordRuns("clustered", (random) -> Math.min(MAX_SECONDS,
				Math.max(MIN_SECONDS, 120 * Math.exp(0.5 * random.nextGaussian()))));
		Process nativeServer = null;
		Process classicServer = null;
		try {
			int nativePort = freePort();
			int classicPort = freePort();
			nativeServer = prometheus(dir.resolve("native"), nativePort, true);
			classicServer = prometheus(dir.resolve("classic"), classicPort, false);
			URI nativeApi = URI.create("http://127.0.0.1:" + nativePort);
			URI classicApi = URI.create("http://127.0.0.1:" + classicPort);
			await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
				assertThat(query(nativeApi, "histogram_count(sum(job_duration_seconds))")).as(targets(nativeApi))
					.isEqualTo(2 * RUNS);
				assertThat(query(classicApi, "sum(job_duration_seconds_count)")).as(targets(classicApi))
					.isEqualTo(2 * RUNS);
			});
			assertThat(query(nativeApi, "count(job_duration_seconds_bucket)"))
				.as("a Prometheus with native histograms keeps only the native one of a classic+native histogram")
				.isNaN();
			StringBuilder table = new StringBuilder(
					"| runs | quantile | true | native | error | classic (20 buckets) | error |\n"
					+ "|---|---:|---:|---:|---:|---:|---:|\n");
			double worstNative = 0;
			double worstClassic = 0;
			for (String job : List.of("spread", "clustered")) {
				double[] durations = job.equals("spread") ? spread : clustered;
				for (double q : new double[] { 0.5, 0.9, 0.99 }) {
					double truth = trueQuantile(durations, q);
					double nativeValue = query(nativeApi, NATIVE_QUERY.formatted(q, job));
					double classicValue = query(classicApi, CLASSIC_QUERY.formatted(q, job));
					double nativeError = nativeValue / truth - 1;
					double classicError = classicValue / truth - 1;
					table.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %+.1f %% | %s | %+.1f %% |%n", job, q,
							format(truth), format(nativeValue), 100 * nativeError, format(classicValue),
							100 * classicError));
					assertThat(Math.abs(nativeError)).as("native error of %s at %s", job, q).isLessThan(0.05);
					worstNative = Math.max(worstNative, Math.abs(nativeError));
					worstClassic = Math.max(worstClassic, Math.abs(classicError));
				}
			}
			assertThat(worstClassic).as("worst classic error against worst native error").isGreaterThan(2 * worstNative);
			System.out.println(table);
		}
		finally {
			stop(nativeServer);
			stop(classicServer);
		}
	}

	private double[] recordRuns(String job, ToDoubleFunction<Random> seconds) {
		Random random = new Random(12);
		double[] durations = new double[RUNS];
		for (int i = 0; i < RUNS; i++) {
			long nanos = Math.round(seconds.applyAsDouble(random) * 1e9);
			durations[i] = nanos / 1e9;
			try (JobRun run = this.jobTracer.start(job)) {
				this.clock.add(Duration.ofNanos(nanos));
			}
		}
		Arrays.sort(durations);
		return durations;
	}

	// The nearest-rank quantile of the recorded durations.
	private static double trueQuantile(double[] sorted, double q) {
		return sorted[(int) Math.ceil(q * sorted.length) - 1];
	}

	private static String format(double seconds) {
		return (seconds < 60) ? String.format(Locale.ROOT, "%.2f s", seconds)
				: String.format(Locale.ROOT, "%.1f min", seconds / 60);
	}

	private Process prometheus(Path dir, int port, boolean nativeHistograms) throws IOException {
		Files.createDirectories(dir);
		Path config = dir.resolve("prometheus.yml");
		Files.writeString(config, """
				global:
				  scrape_interval: 1s
				  scrape_timeout: 1s
				scrape_configs:
				  - job_name: app
				    metrics_path: /actuator/prometheus
				    static_configs:
				      - targets: ['127.0.0.1:%d']
				""".formatted(this.port));
		List<String> command = new ArrayList<>(List.of(prometheusBinary(), "--config.file=" + config,
				"--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port));
		if (nativeHistograms) {
			command.add("--enable-feature=native-histograms");
		}
		return new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(dir.resolve("prometheus.log").toFile())
			.start();
	}

	private static String prometheusBinary() {
		for (String path : System.getenv().getOrDefault("PATH", "").split(":")) {
			Path candidate = Path.of(path, "prometheus");
			if (Files.isExecutable(candidate)) {
				return candidate.toString();
			}
		}
		throw new AssertionError("prometheus is not on the PATH: install Debian's prometheus package "
				+ "(scripts/test.sh does) to compare native and classic histograms");
	}

	private double query(URI api, String promql) throws IOException, InterruptedException {
		URI uri = api.resolve("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(uri).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		Matcher value = Pattern.compile("\"value\":\\[[^,]+,\"([^\"]+)\"]").matcher(response.body());
		return value.find() ? Double.parseDouble(value.group(1)) : Double.NaN;
	}

	// What Prometheus says of its scrapes of the application, for a failure message.
	private String targets(URI api) throws IOException, InterruptedException {
		return this.http
			.send(HttpRequest.newBuilder(api.resolve("/api/v1/targets")).build(), HttpResponse.BodyHandlers.ofString())
			.body();
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	private static void stop(Process process) throws InterruptedException {
		if (process != null) {
			process.destroy();
			process.waitFor();
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Application {

		@Bean
		MockClock micrometerClock() {
			return new MockClock();
		}

	}

}
