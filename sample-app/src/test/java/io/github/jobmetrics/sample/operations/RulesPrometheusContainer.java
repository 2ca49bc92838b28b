package io.github.jobmetrics.sample.operations;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import io.github.jobmetrics.sample.experiment.FreePorts;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.DockerImageName;

/**
 * A Prometheus server in a container (the image of {@code JOB_METRICS_PROMETHEUS_IMAGE}, as for the bias
 * experiment) that scrapes the sample app, evaluates the given rule files and sends its alerts to an Alertmanager,
 * all on the host's loopback interface (host networking, see the experiment's {@code PrometheusContainer}).
 */
final class RulesPrometheusContainer extends GenericContainer<RulesPrometheusContainer> {

	private static final String DEFAULT_IMAGE = "prom/prometheus:v3.5.0";

	private final int port = FreePorts.next();

	RulesPrometheusContainer(int appPort, int alertmanagerPort, Duration interval, Map<String, String> ruleFiles) {
		super(DockerImageName.parse(System.getenv().getOrDefault("JOB_METRICS_PROMETHEUS_IMAGE", DEFAULT_IMAGE)));
		withNetworkMode("host");
		String every = interval.toMillis() + "ms";
		withCopyToContainer(Transferable.of("""
				global:
				  scrape_interval: %s
				  scrape_timeout: %s
				  evaluation_interval: %s
				rule_files:
				  - /etc/prometheus/rules/*.yml
				alerting:
				  alertmanagers:
				    - static_configs:
				        - targets: ['127.0.0.1:%d']
				scrape_configs:
				  - job_name: sample-app
				    metrics_path: /actuator/prometheus
				    static_configs:
				      - targets: ['127.0.0.1:%d']
				""".formatted(every, every, every, alertmanagerPort, appPort)), "/etc/prometheus/prometheus.yml");
		ruleFiles.forEach((name, content) -> withCopyToContainer(Transferable.of(content), "/etc/prometheus/rules/" + name));
		withCommand("--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus",
				"--web.listen-address=127.0.0.1:" + this.port);
		waitingFor(Wait.forLogMessage(".*Server is ready to receive web requests.*", 1)
			.withStartupTimeout(Duration.ofMinutes(2)));
	}

	URI baseUri() {
		return URI.create("http://127.0.0.1:" + this.port);
	}

}
