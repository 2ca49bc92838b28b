package io.github.jobmetrics;

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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real Prometheus server (Debian's {@code prometheus}, on the {@code PATH}; {@code scripts/container-runtime.sh}
 * installs it) started as a process of its own that scrapes one application's {@code /actuator/prometheus} on the
 * loopback address, as {@code NativeHistogramPrometheusTests} runs its two, and is queried through its own HTTP API.
 * Nothing in it depends on the Spring Boot line, so that tests using it run on every line.
 */
public final class PrometheusServer implements AutoCloseable {

	/** The scrape job of the application, the {@code job} label of its {@code up} series. */
	public static final String JOB = "app";

	private static final Pattern VALUE = Pattern.compile("\"value\":\\[[^,]+,\"([^\"]+)\"]");

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private final Process process;

	private final URI api;

	private final Path log;

	private PrometheusServer(Process process, URI api, Path log) {
		this.process = process;
		this.api = api;
		this.log = log;
	}

	/**
	 * Starts a server that scrapes {@code 127.0.0.1:port/actuator/prometheus} every {@code interval}, and waits
	 * until it answers queries. Its first scrape comes about 5 s later (Prometheus 2 updates its targets every 5 s):
	 * a test that starts it before the application does not wait for that.
	 * @param dir the directory for its configuration, storage and log
	 * @param port the application's port
	 * @param interval the scrape interval (and timeout)
	 * @return the started server
	 * @throws IOException if it cannot be started
	 */
	public static PrometheusServer start(Path dir, int port, Duration interval) throws IOException {
		Files.createDirectories(dir);
		Path config = dir.resolve("prometheus.yml");
		Files.writeString(config, """
				global:
				  scrape_interval: %1$dms
				  scrape_timeout: %1$dms
				scrape_configs:
				  - job_name: %2$s
				    metrics_path: /actuator/prometheus
				    static_configs:
				      - targets: ['127.0.0.1:%3$d']
				""".formatted(interval.toMillis(), JOB, port));
		int apiPort = freePort();
		Path log = dir.resolve("prometheus.log");
		Process process = new ProcessBuilder(binary(), "--config.file=" + config,
				"--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + apiPort)
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		PrometheusServer server = new PrometheusServer(process, URI.create("http://127.0.0.1:" + apiPort), log);
		try {
			await("Prometheus to answer queries").atMost(Duration.ofSeconds(30))
				.pollInterval(Duration.ofMillis(100))
				.ignoreExceptions()
				.until(() -> !Double.isNaN(server.query("vector(1)")));
		}
		catch (RuntimeException | Error ex) {
			server.close();
			throw ex;
		}
		return server;
	}

	/**
	 * The value of an instant query that yields one sample, evaluated now.
	 * @param promql the query
	 * @return its value, or {@code NaN} if it yields none
	 * @throws IOException if Prometheus cannot be reached
	 * @throws InterruptedException if interrupted
	 */
	public double query(String promql) throws IOException, InterruptedException {
		URI uri = this.api.resolve("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
		HttpResponse<String> response = this.http.send(
				HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		Matcher value = VALUE.matcher(response.body());
		return value.find() ? Double.parseDouble(value.group(1)) : Double.NaN;
	}

	/**
	 * What Prometheus says of its scrapes of the application, and the end of its log, for a failure message.
	 * @return the description
	 */
	public String describe() {
		try {
			String targets = this.http
				.send(HttpRequest.newBuilder(this.api.resolve("/api/v1/targets")).build(),
						HttpResponse.BodyHandlers.ofString())
				.body();
			String log = Files.readString(this.log);
			return targets + "\n" + log.substring(Math.max(0, log.length() - 2000));
		}
		catch (IOException ex) {
			return "Prometheus cannot be read: " + ex;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "interrupted";
		}
	}

	@Override
	public void close() {
		this.process.destroy();
		try {
			this.process.waitFor();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static String binary() {
		for (String path : System.getenv().getOrDefault("PATH", "").split(":")) {
			Path candidate = Path.of(path, "prometheus");
			if (Files.isExecutable(candidate)) {
				return candidate.toString();
			}
		}
		throw new AssertionError("prometheus is not on the PATH: install Debian's prometheus package "
				+ "(scripts/container-runtime.sh does)");
	}

	/**
	 * A port free on this host now, for a server that is started soon after.
	 * @return the port
	 * @throws IOException if no port can be opened
	 */
	public static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
