package io.github.jobmetrics.sample.experiment;

import java.net.URI;
import java.time.Duration;

import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.DockerImageName;

/**
 * A Prometheus server in a container that scrapes the sample app's {@code /actuator/prometheus} on
 * {@code 127.0.0.1:<appPort>}, as job {@code sample-app}.
 * <p>
 * The image is {@code JOB_METRICS_PROMETHEUS_IMAGE} (set by {@code scripts/container-runtime.sh}: a local
 * image with Debian's Prometheus under podman, {@code prom/prometheus} with a real Docker engine). Both are
 * started with the same command.
 * <p>
 * The container shares the host's network, and everything is addressed as {@code 127.0.0.1}: Testcontainers'
 * idea of the host ({@code getHost()}, mapped ports) is wrong in a sandbox that has {@code /.dockerenv}, and
 * with host networking Prometheus reaches the app on the loopback interface with nothing in between.
 */
final class PrometheusContainer extends GenericContainer<PrometheusContainer> {

	static final String JOB = "sample-app";

	private static final String DEFAULT_IMAGE = "prom/prometheus:v3.5.0";

	private final int port;

	PrometheusContainer(int appPort, Duration scrapeInterval) {
		this(appPort, scrapeInterval, FreePorts.next());
	}

	private PrometheusContainer(int appPort, Duration scrapeInterval, int port) {
		super(DockerImageName.parse(System.getenv().getOrDefault("JOB_METRICS_PROMETHEUS_IMAGE", DEFAULT_IMAGE)));
		this.port = port;
		withNetworkMode("host");
		withCopyToContainer(Transferable.of(configuration(appPort, scrapeInterval)),
				"/etc/prometheus/prometheus.yml");
		withCommand("--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus",
				"--web.listen-address=127.0.0.1:" + port);
		waitingFor(Wait.forLogMessage(".*Server is ready to receive web requests.*", 1)
			.withStartupTimeout(Duration.ofMinutes(2)));
	}

	// scrape_timeout must not exceed the interval, and its default (10 s) does with a 1 s interval.
	private static String configuration(int appPort, Duration scrapeInterval) {
		String interval = scrapeInterval.toMillis() + "ms";
		return """
				global:
				  scrape_interval: %s
				  scrape_timeout: %s
				  evaluation_interval: %s
				scrape_configs:
				  - job_name: %s
				    metrics_path: /actuator/prometheus
				    static_configs:
				      - targets: ['127.0.0.1:%d']
				""".formatted(interval, interval, interval, JOB, appPort);
	}

	URI baseUri() {
		return URI.create("http://127.0.0.1:" + this.port);
	}

	PrometheusApi api() {
		return new PrometheusApi(baseUri());
	}

}
