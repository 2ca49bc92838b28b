package io.github.jobmetrics.messaging.amqp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;

import org.springframework.util.ClassUtils;

/**
 * A real RabbitMQ node for the tests: Debian's {@code rabbitmq-server} (installed by {@code scripts/test.sh}),
 * started once per test JVM as a process of its own, with its own node name, free ports (AMQP, Erlang
 * distribution and a private epmd, so that nothing is left behind or shared with another node), and a
 * temporary directory for its data, configuration and log. It is stopped when the test run ends. If it cannot
 * start, the tests fail with the reason: they are never skipped.
 */
public final class RabbitBroker implements BeforeAllCallback {

	private static final Path SERVER = Path.of(System.getProperty("job-metrics.rabbitmq-server",
			"/usr/lib/rabbitmq/bin/rabbitmq-server"));

	// About 10 s on an idle machine; much more when the build shares its cores with others.
	private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

	private static volatile Node node;

	@Override
	public void beforeAll(ExtensionContext context) throws Exception {
		synchronized (RabbitBroker.class) {
			if (node == null) {
				Node started = Node.start();
				// Stopped when the root context closes, after every test class of this run.
				context.getRoot().getStore(Namespace.create(RabbitBroker.class)).put(Node.class, started);
				node = started;
			}
		}
	}

	public static int port() {
		return node.port;
	}

	/**
	 * Spring Boot's RabbitMQ auto-configuration of whichever Boot line is on the test classpath: Spring Boot 4's
	 * module {@code spring-boot-amqp}, or Spring Boot 3.5's {@code spring-boot-autoconfigure}.
	 */
	static Class<?> rabbitAutoConfiguration() {
		ClassLoader classLoader = RabbitBroker.class.getClassLoader();
		String boot4 = "org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration";
		return ClassUtils.resolveClassName(ClassUtils.isPresent(boot4, classLoader) ? boot4
				: "org.springframework.boot.autoconfigure.amqp.RabbitAutoConfiguration", classLoader);
	}

	/**
	 * The Spring Boot properties that point an application at this broker.
	 */
	static String[] properties() {
		return new String[] { "spring.rabbitmq.host=127.0.0.1", "spring.rabbitmq.port=" + port(),
				"spring.rabbitmq.username=guest", "spring.rabbitmq.password=guest" };
	}

	private static final class Node implements ExtensionContext.Store.CloseableResource {

		private final Process process;

		private final Path directory;

		private final int port;

		private final Map<String, String> environment;

		private Node(Process process, Path directory, int port, Map<String, String> environment) {
			this.process = process;
			this.directory = directory;
			this.port = port;
			this.environment = environment;
		}

		static Node start() throws Exception {
			if (!Files.isExecutable(SERVER)) {
				throw new IllegalStateException(SERVER + " is missing: install Debian's rabbitmq-server package "
						+ "(scripts/test.sh does it), or point -Djob-metrics.rabbitmq-server at the script");
			}
			Path directory = Files.createTempDirectory("job-metrics-rabbitmq-");
			int port = freePort();
			Files.writeString(directory.resolve("rabbitmq.conf"), String.join("\n",
					"listeners.tcp.default = 127.0.0.1:" + port, "loopback_users = none", ""));
			// No plugins: the management plugin alone would double the start-up time.
			Files.writeString(directory.resolve("enabled_plugins"), "[].\n");
			Files.writeString(directory.resolve("rabbitmq-env.conf"), "");
			Map<String, String> environment = Map.ofEntries(Map.entry("HOME", directory.toString()),
					Map.entry("RABBITMQ_NODENAME", "job-metrics-" + port + "@localhost"),
					Map.entry("RABBITMQ_NODE_IP_ADDRESS", "127.0.0.1"),
					Map.entry("RABBITMQ_NODE_PORT", Integer.toString(port)),
					Map.entry("RABBITMQ_DIST_PORT", Integer.toString(freePort())),
					Map.entry("ERL_EPMD_PORT", Integer.toString(freePort())),
					Map.entry("RABBITMQ_CONF_ENV_FILE", directory.resolve("rabbitmq-env.conf").toString()),
					Map.entry("RABBITMQ_CONFIG_FILE", directory.resolve("rabbitmq.conf").toString()),
					Map.entry("RABBITMQ_ADVANCED_CONFIG_FILE", directory.resolve("advanced.config").toString()),
					Map.entry("RABBITMQ_ENABLED_PLUGINS_FILE", directory.resolve("enabled_plugins").toString()),
					Map.entry("RABBITMQ_MNESIA_BASE", directory.resolve("mnesia").toString()),
					Map.entry("RABBITMQ_LOG_BASE", directory.resolve("log").toString()),
					Map.entry("RABBITMQ_LOGS", "-"));
			ProcessBuilder builder = new ProcessBuilder(SERVER.toString()).directory(directory.toFile())
				.redirectErrorStream(true)
				.redirectOutput(directory.resolve("rabbitmq.log").toFile());
			builder.environment().putAll(environment);
			Node node = new Node(builder.start(), directory, port, environment);
			Runtime.getRuntime().addShutdownHook(new Thread(node::stop));
			try {
				node.awaitReady();
			}
			catch (Exception ex) {
				String log = node.log();
				node.stop();
				throw new IllegalStateException("RabbitMQ did not start: " + ex.getMessage() + "\n" + log, ex);
			}
			return node;
		}

		private void awaitReady() throws Exception {
			ConnectionFactory factory = new ConnectionFactory();
			factory.setHost("127.0.0.1");
			factory.setPort(this.port);
			factory.setConnectionTimeout(1000);
			long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
			Exception last = null;
			while (System.nanoTime() < deadline) {
				if (!this.process.isAlive()) {
					throw new IllegalStateException("rabbitmq-server exited with " + this.process.exitValue());
				}
				try (Connection connection = factory.newConnection()) {
					return;
				}
				catch (IOException | java.util.concurrent.TimeoutException ex) {
					last = ex;
				}
				this.process.waitFor(200, TimeUnit.MILLISECONDS);
			}
			throw new IllegalStateException("no AMQP connection within " + START_TIMEOUT, last);
		}

		private String log() {
			try {
				List<String> lines = Files.readAllLines(this.directory.resolve("rabbitmq.log"), StandardCharsets.UTF_8);
				return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
			}
			catch (IOException ex) {
				return "(no log: " + ex + ")";
			}
		}

		@Override
		public void close() {
			stop();
		}

		synchronized void stop() {
			if (!Files.exists(this.directory)) {
				return;
			}
			// The script runs the Erlang VM as a child: stop the VM, which shuts RabbitMQ down cleanly.
			this.process.descendants().forEach(ProcessHandle::destroy);
			this.process.destroy();
			try {
				if (!this.process.waitFor(15, TimeUnit.SECONDS)) {
					this.process.descendants().forEach(ProcessHandle::destroyForcibly);
					this.process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
				}
				// The node started its own epmd daemon, on its own port.
				ProcessBuilder epmd = new ProcessBuilder("epmd", "-kill").redirectErrorStream(true)
					.redirectOutput(ProcessBuilder.Redirect.DISCARD);
				epmd.environment().put("ERL_EPMD_PORT", this.environment.get("ERL_EPMD_PORT"));
				epmd.start().waitFor(5, TimeUnit.SECONDS);
			}
			catch (IOException ex) {
				// epmd not on the PATH: nothing more to stop.
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			try (Stream<Path> files = Files.walk(this.directory)) {
				files.sorted(Comparator.reverseOrder()).forEach((file) -> file.toFile().delete());
			}
			catch (IOException ex) {
				// A temporary directory: left for the system to clean.
			}
		}

		private static int freePort() throws IOException {
			try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
				return socket.getLocalPort();
			}
		}

	}

}
