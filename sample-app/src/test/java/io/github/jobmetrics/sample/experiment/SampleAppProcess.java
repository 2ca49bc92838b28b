package io.github.jobmetrics.sample.experiment;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * The sample app started from its repackaged jar as a process of its own, as in production: it can be
 * killed like one, and nothing of the test's JVM (class loading, GC, the test's own threads) runs inside it.
 * Its output goes to {@code <name>.log} beside the jar.
 * <p>
 * The jar is {@code target/sample-app.jar}, or the {@code sample-app.jar} system property (Failsafe sets it).
 */
public final class SampleAppProcess implements AutoCloseable {

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(90);

	private final String name;

	private final Process process;

	private final int port;

	private final Path log;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private SampleAppProcess(String name, Process process, int port, Path log) {
		this.name = name;
		this.process = process;
		this.port = port;
		this.log = log;
	}

	/**
	 * Starts the app on the given port and waits until its health endpoint reports {@code UP}.
	 */
	public static SampleAppProcess start(String name, int port, List<String> arguments) throws IOException {
		return start(name, port, List.of(), arguments);
	}

	/**
	 * Starts the app with options for its JVM (such as {@code -Dspring.aot.enabled=true}) on the given port and
	 * waits until its health endpoint reports {@code UP}.
	 */
	public static SampleAppProcess start(String name, int port, List<String> jvmOptions, List<String> arguments)
			throws IOException {
		Path jar = Path.of(System.getProperty("sample-app.jar", "target/sample-app.jar")).toAbsolutePath();
		if (!Files.isRegularFile(jar)) {
			throw new IllegalStateException(jar + " not found: build it first (./mvnw package, or run the "
					+ "integration tests through ./mvnw verify)");
		}
		Path log = jar.resolveSibling(name + ".log");
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(jvmOptions);
		command.add("-jar");
		command.add(jar.toString());
		command.add("--server.port=" + port);
		command.add("--server.address=127.0.0.1");
		command.addAll(arguments);
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		SampleAppProcess app = new SampleAppProcess(name, process, port, log);
		try {
			app.awaitHealthy();
		}
		catch (RuntimeException | Error ex) {
			app.close();
			throw ex;
		}
		return app;
	}

	private void awaitHealthy() {
		HttpRequest health = HttpRequest.newBuilder(baseUri().resolve("/actuator/health"))
			.timeout(Duration.ofSeconds(2))
			.build();
		await("health of " + this.name + " (log: " + this.log + ")").atMost(STARTUP_TIMEOUT)
			.pollInterval(Duration.ofMillis(250))
			.failFast("the app exited (log: " + this.log + ")", () -> !this.process.isAlive())
			.ignoreExceptions()
			.until(() -> {
				HttpResponse<String> response = this.http.send(health, HttpResponse.BodyHandlers.ofString());
				return response.statusCode() == 200 && response.body().contains("\"UP\"");
			});
	}

	public URI baseUri() {
		return URI.create("http://127.0.0.1:" + this.port);
	}

	public int port() {
		return this.port;
	}

	public Path log() {
		return this.log;
	}

	/**
	 * Kills the app as the OOM killer or a node failure would: {@code SIGKILL}, no shutdown hook, no chance to
	 * record the runs in flight. On Unix {@link Process#destroyForcibly()} sends {@code SIGKILL}.
	 * @return the exit status, 137 (128 + 9) when {@code SIGKILL} ended it
	 */
	int kill() throws InterruptedException {
		this.process.destroyForcibly();
		if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
			throw new IllegalStateException(this.name + " still alive 30 s after SIGKILL");
		}
		return this.process.exitValue();
	}

	/**
	 * Stops the app as an orchestrator does, with {@code SIGTERM} ({@link Process#destroy()} on Unix), and waits
	 * for it to exit: Spring closes its context, a graceful shutdown included.
	 * @param timeout how long to wait for the exit
	 * @return the exit status, 143 (128 + 15) when the JVM exited on {@code SIGTERM}
	 */
	int terminate(Duration timeout) throws InterruptedException {
		this.process.destroy();
		if (!this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
			throw new IllegalStateException(this.name + " still alive " + timeout + " after SIGTERM (log: " + this.log
					+ ")");
		}
		return this.process.exitValue();
	}

	/**
	 * Stops the app gracefully if it is still running ({@code SIGTERM}, then {@code SIGKILL} after 20 s).
	 */
	@Override
	public void close() {
		if (!this.process.isAlive()) {
			return;
		}
		this.process.destroy();
		try {
			if (!this.process.waitFor(20, TimeUnit.SECONDS)) {
				this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			this.process.destroyForcibly();
			Thread.currentThread().interrupt();
		}
	}

}
