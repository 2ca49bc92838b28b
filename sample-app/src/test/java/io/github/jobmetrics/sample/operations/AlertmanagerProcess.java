package io.github.jobmetrics.sample.operations;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.jobmetrics.sample.experiment.FreePorts;

import static org.awaitility.Awaitility.await;

/**
 * Debian's Alertmanager ({@code prometheus-alertmanager}, installed by {@code scripts/container-runtime.sh}) run as
 * a local process on the loopback interface, routing every alert at once to one webhook. Clustering is off, so it
 * opens no other port.
 */
final class AlertmanagerProcess implements AutoCloseable {

	private static final List<String> EXECUTABLES = List.of("/usr/bin/prometheus-alertmanager",
			"/usr/bin/alertmanager");

	private final Process process;

	private final int port;

	private final Path log;

	private AlertmanagerProcess(Process process, int port, Path log) {
		this.process = process;
		this.port = port;
		this.log = log;
	}

	/**
	 * Starts Alertmanager with its configuration and data in {@code directory}, and waits until it is ready.
	 */
	static AlertmanagerProcess start(URI webhook, Path directory) throws IOException {
		String executable = EXECUTABLES.stream()
			.filter((candidate) -> Files.isExecutable(Path.of(candidate)))
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("Alertmanager is not installed: install Debian's "
					+ "prometheus-alertmanager package (scripts/container-runtime.sh does)"));
		int port = FreePorts.next();
		Path configuration = directory.resolve("alertmanager.yml");
		Files.writeString(configuration, """
				route:
				  receiver: webhook
				  group_by: [alertname, job_name, queue]
				  group_wait: 1s
				  group_interval: 1s
				  repeat_interval: 1h
				receivers:
				  - name: webhook
				    webhook_configs:
				      - url: %s
				""".formatted(webhook));
		// Beside the sample app's own log, so that it outlives the test's temporary directory.
		Path log = Path.of(System.getProperty("sample-app.jar", "target/sample-app.jar"))
			.toAbsolutePath()
			.resolveSibling("operations-kit-alertmanager.log");
		Process process = new ProcessBuilder(executable, "--config.file=" + configuration,
				"--storage.path=" + Files.createDirectories(directory.resolve("alertmanager-data")),
				"--web.listen-address=127.0.0.1:" + port, "--cluster.listen-address=")
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		AlertmanagerProcess alertmanager = new AlertmanagerProcess(process, port, log);
		HttpClient http = HttpClient.newHttpClient();
		HttpRequest ready = HttpRequest.newBuilder(alertmanager.baseUri().resolve("/-/ready")).build();
		try {
			await("Alertmanager ready (log: " + log + ")").atMost(Duration.ofSeconds(30))
				.failFast("Alertmanager exited (log: " + log + ")", () -> !process.isAlive())
				.ignoreExceptions()
				.until(() -> http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
		}
		catch (RuntimeException | Error ex) {
			alertmanager.close();
			throw ex;
		}
		return alertmanager;
	}

	URI baseUri() {
		return URI.create("http://127.0.0.1:" + this.port);
	}

	int port() {
		return this.port;
	}

	Path log() {
		return this.log;
	}

	@Override
	public void close() {
		this.process.destroy();
		try {
			if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
			}
		}
		catch (InterruptedException ex) {
			this.process.destroyForcibly();
			Thread.currentThread().interrupt();
		}
	}

}
