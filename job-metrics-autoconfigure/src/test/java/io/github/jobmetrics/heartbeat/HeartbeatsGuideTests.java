package io.github.jobmetrics.heartbeat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.github.jobmetrics.MarkdownSnippets;
import io.github.jobmetrics.MarkdownSnippets.Snippet;
import io.github.jobmetrics.autoconfigure.JobMetricsProperties;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ByteArrayResource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps {@code docs/heartbeats.md} true: its YAML binds, every key of it, to the properties it names, and every
 * PromQL query in it is evaluated by {@code promtool test rules} with the results the page describes
 * ({@code src/test/resources/promql/heartbeat-queries.test.yml}).
 */
class HeartbeatsGuideTests {

	private static final Path GUIDE = Path.of("..").toAbsolutePath().normalize().resolve("docs/heartbeats.md");

	private static final Path PROMQL_TESTS = Path.of("src/test/resources/promql");

	@Test
	void theYamlBindsEveryKeyToTheHeartbeatProperties() throws IOException {
		List<Snippet> snippets = MarkdownSnippets.of(GUIDE, "yaml");
		assertThat(snippets).hasSize(1);
		StandardEnvironment environment = new StandardEnvironment();
		new YamlPropertySourceLoader()
			.load("heartbeats.md", new ByteArrayResource(snippets.get(0).text().getBytes(StandardCharsets.UTF_8)))
			.forEach(environment.getPropertySources()::addFirst);
		Binder binder = new Binder(ConfigurationPropertySources.get(environment));
		// Fails on any key of the block that is no property: a typo would not bind silently.
		BindHandler strict = new NoUnboundElementsBindHandler(BindHandler.DEFAULT);
		JobMetricsProperties properties = binder
			.bind("job-metrics", Bindable.ofInstance(new JobMetricsProperties()), strict)
			.get();
		JobMetricsProperties.Heartbeat heartbeat = properties.getHeartbeat();
		assertThat(heartbeat.getInterval()).isEqualTo(Duration.ofSeconds(30))
			.isEqualTo(new JobMetricsProperties().getHeartbeat().getInterval());
		assertThat(heartbeat.getJms().getDestinations()).containsExactly("orders");
		assertThat(heartbeat.getRabbit().getQueues()).containsExactly("shipments");
		assertThat(heartbeat.getKafka().getTopics()).containsExactly("payments");
	}

	@Test
	void everyQueryIsEvaluatedByPromtool() throws Exception {
		List<String> queries = new ArrayList<>();
		for (Snippet snippet : MarkdownSnippets.of(GUIDE, "promql")) {
			queries.addAll(MarkdownSnippets.queries(snippet.text()));
		}
		assertThat(queries).hasSize(3);
		Path file = PROMQL_TESTS.resolve("heartbeat-queries.test.yml");
		List<String> tested = new ArrayList<>();
		for (Map<String, Object> test : list(new Yaml().<Map<String, Object>>load(Files.readString(file)).get("tests"))) {
			for (Map<String, Object> expr : list(test.get("promql_expr_test"))) {
				tested.add(oneLine((String) expr.get("expr")));
			}
		}
		assertThat(tested).containsAll(queries.stream().map(HeartbeatsGuideTests::oneLine).toList());
		Process process = new ProcessBuilder(promtool(), "test", "rules", file.getFileName().toString())
			.directory(PROMQL_TESTS.toFile())
			.redirectErrorStream(true)
			.start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as("promtool test rules:%n%s", output).isZero();
	}

	private static String promtool() {
		return System.getProperty("job-metrics.promtool", "promtool");
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> list(Object value) {
		return (value != null) ? (List<Map<String, Object>>) value : List.of();
	}

	private static String oneLine(String text) {
		return text.strip().replaceAll("\\s+", " ");
	}

}
