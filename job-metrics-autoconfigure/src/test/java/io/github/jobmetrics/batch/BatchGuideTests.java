package io.github.jobmetrics.batch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.github.jobmetrics.BootMetricsAutoConfigurations;
import io.github.jobmetrics.MarkdownSnippets;
import io.github.jobmetrics.MarkdownSnippets.Snippet;
import io.github.jobmetrics.autoconfigure.JobMetricsAutoConfiguration;
import io.github.jobmetrics.autoconfigure.JobMetricsBatchAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps {@code docs/spring-batch.md} true: its YAML switches the integration off, and each of its PromQL queries is
 * evaluated by {@code promtool test rules} ({@code src/test/resources/promql/batch-queries.test.yml}) with the
 * results the page describes.
 */
class BatchGuideTests {

	private static final Path GUIDE = Path.of("..").toAbsolutePath().normalize().resolve("docs/spring-batch.md");

	private static final Path PROMQL_TESTS = Path.of("src/test/resources/promql");

	private static final String QUERIES = "batch-queries.test.yml";

	@Test
	void theYamlOfTheGuideSwitchesTheIntegrationOff() throws IOException {
		List<Snippet> yaml = MarkdownSnippets.of(GUIDE, "yaml");
		assertThat(yaml).hasSize(1);
		List<String> properties = new ArrayList<>();
		flatten("", new Yaml().load(yaml.get(0).text()), properties);
		assertThat(properties).containsExactly("job-metrics.instrument.batch=false");
		ApplicationContextRunner runner = new ApplicationContextRunner()
			.withConfiguration(BootMetricsAutoConfigurations.with(BootBatchAutoConfigurations.classes()))
			.withConfiguration(BootMetricsAutoConfigurations.with(JobMetricsAutoConfiguration.class,
					JobMetricsBatchAutoConfiguration.class))
			.withPropertyValues("spring.batch.job.enabled=false");
		runner.run((context) -> assertThat(context).hasSingleBean(BatchJobMetrics.class));
		runner.withPropertyValues(properties.toArray(String[]::new))
			.run((context) -> assertThat(context).doesNotHaveBean(BatchJobMetrics.class));
	}

	@Test
	void everyQueryOfTheGuideIsEvaluatedByPromtool() throws Exception {
		List<String> queries = new ArrayList<>();
		for (Snippet snippet : MarkdownSnippets.of(GUIDE, "promql")) {
			queries.addAll(MarkdownSnippets.queries(snippet.text()));
		}
		assertThat(queries).hasSize(2);
		Map<String, Object> tests = new Yaml().load(Files.readString(PROMQL_TESTS.resolve(QUERIES)));
		List<String> tested = new ArrayList<>();
		for (Object test : (List<?>) tests.get("tests")) {
			for (Object expr : (List<?>) ((Map<?, ?>) test).get("promql_expr_test")) {
				tested.add(oneLine((String) ((Map<?, ?>) expr).get("expr")));
			}
		}
		assertThat(queries).allSatisfy((query) -> assertThat(tested).contains(oneLine(query)));
		Process process = new ProcessBuilder(promtool(), "test", "rules", QUERIES).directory(PROMQL_TESTS.toFile())
			.redirectErrorStream(true)
			.start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as("promtool test rules:%n%s", output).isZero();
	}

	@SuppressWarnings("unchecked")
	private static void flatten(String prefix, Object value, List<String> properties) {
		if (value instanceof Map<?, ?> map) {
			new LinkedHashMap<>((Map<String, Object>) map)
				.forEach((key, nested) -> flatten(prefix.isEmpty() ? key : prefix + "." + key, nested, properties));
		}
		else {
			properties.add(prefix + "=" + value);
		}
	}

	private static String oneLine(String text) {
		return text.strip().replaceAll("\\s+", " ");
	}

	private static String promtool() {
		for (String dir : System.getenv("PATH").split(":")) {
			Path candidate = Path.of(dir, "promtool");
			if (Files.isExecutable(candidate)) {
				return candidate.toString();
			}
		}
		throw new AssertionError("promtool is not on the PATH: install Debian's prometheus package");
	}

}
