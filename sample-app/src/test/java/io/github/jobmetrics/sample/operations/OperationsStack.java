package io.github.jobmetrics.sample.operations;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import io.github.jobmetrics.sample.experiment.FreePorts;
import io.github.jobmetrics.sample.experiment.SampleAppProcess;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the operations ITs run against: the sample app as a process of its own, a real Prometheus that scrapes it
 * every second and evaluates the rules shipped in the jar (taken from the classpath as a user extracts them, every
 * {@code for:} shortened to 5 s so that the suite stays quick) with the test's own threshold rules, and a real
 * Alertmanager (Debian's) that routes the alerts to a webhook in the test. Closing it stops them all.
 */
final class OperationsStack implements AutoCloseable {

	static final Duration INTERVAL = Duration.ofSeconds(1);

	static final String RULES = "META-INF/job-metrics/prometheus-rules.yml";

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private WebhookReceiver webhook;

	private AlertmanagerProcess alertmanager;

	private SampleAppProcess app;

	private RulesPrometheusContainer prometheus;

	private OperationsStack() {
	}

	/**
	 * Starts the webhook, Alertmanager, the sample app with the given arguments, and Prometheus with the shipped rules
	 * and the given thresholds (a rule file); what started is stopped again if the rest does not.
	 */
	static OperationsStack start(Path directory, String appName, List<String> appArguments, String thresholds)
			throws Exception {
		OperationsStack stack = new OperationsStack();
		try {
			stack.webhook = new WebhookReceiver();
			stack.alertmanager = AlertmanagerProcess.start(stack.webhook.uri(), directory);
			int appPort = FreePorts.next();
			stack.app = SampleAppProcess.start(appName, appPort, appArguments);
			Map<String, String> ruleFiles = new LinkedHashMap<>();
			ruleFiles.put("job-metrics.yml", shortened(resource(RULES)));
			ruleFiles.put("thresholds.yml", thresholds);
			stack.prometheus = new RulesPrometheusContainer(appPort, stack.alertmanager.port(), INTERVAL, ruleFiles);
			stack.prometheus.start();
			return stack;
		}
		catch (Exception | Error ex) {
			stack.close();
			throw ex;
		}
	}

	/** The alerts the webhook received from Alertmanager, in order. */
	List<JsonNode> alerts() {
		return this.webhook.alerts();
	}

	/** Alertmanager's log, for failure messages. */
	Path alertmanagerLog() {
		return this.alertmanager.log();
	}

	/** The {@code data} of Prometheus' answer to a GET of its HTTP API, which must be 200. */
	JsonNode get(String path, String parameters) {
		URI uri = this.prometheus.baseUri().resolve(path + (parameters.isEmpty() ? "" : "?" + parameters));
		try {
			HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build();
			HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() != 200) {
				throw new IllegalStateException("Prometheus answered " + response.statusCode() + " to " + uri + ": "
						+ response.body());
			}
			return json.readTree(response.body()).path("data");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Prometheus did not answer " + uri, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** The results of an instant query. */
	JsonNode query(String query) {
		return get("/api/v1/query", "query=" + encode(query)).path("result");
	}

	/** The value of the first series of an instant query, or {@code null} if it has none. */
	Double value(String query) {
		JsonNode result = query(query);
		return result.isEmpty() ? null : Double.parseDouble(result.get(0).path("value").get(1).asString());
	}

	@Override
	public void close() {
		if (this.prometheus != null) {
			this.prometheus.stop();
		}
		if (this.app != null) {
			this.app.close();
		}
		if (this.alertmanager != null) {
			this.alertmanager.close();
		}
		if (this.webhook != null) {
			this.webhook.close();
		}
	}

	static String encode(String text) {
		return URLEncoder.encode(text, StandardCharsets.UTF_8);
	}

	// The test copy of the rules: every "for:" shortened to 5 s, nothing else changed.
	static String shortened(String rules) {
		String shortened = Pattern.compile("(?m)^(\\s+)for: \\S+$").matcher(rules).replaceAll("$1for: 5s");
		assertThat(shortened).isNotEqualTo(rules);
		return shortened;
	}

	static String resource(String name) throws IOException {
		try (InputStream in = OperationsStack.class.getClassLoader().getResourceAsStream(name)) {
			assertThat(in).as(name + " on the classpath (from the job-metrics-autoconfigure jar)").isNotNull();
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
	}

}
