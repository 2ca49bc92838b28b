package io.github.jobmetrics.operations;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.github.jobmetrics.MarkdownSnippets;
import io.github.jobmetrics.MarkdownSnippets.Snippet;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps {@code docs/operations.md} true: every PromQL query in it runs in a test, word for word. A dashboard query or
 * a recording rule of the shipped files is one of the queries the sample app's {@code OperationsKitIT} runs against
 * a real Prometheus; any other (the runbooks' queries) is an {@code expr} of {@code promql/operations-queries.test.yml},
 * which {@code promtool test rules} evaluates against series like the starter's and the brokers' exporters'. Every
 * dashboard panel's query is shown there.
 */
class OperationsGuideTests {

	private static final Path OPERATIONS = Path.of("..").toAbsolutePath().normalize().resolve("docs/operations.md");

	private static final Path RUNBOOK_QUERIES = Path.of("src/test/resources/promql/operations-queries.test.yml");

	@Test
	void everyQueryOfTheGuideIsADashboardQueryARecordingRuleOrTestedWithPromtool() throws Exception {
		Set<String> live = new HashSet<>();
		GrafanaDashboardTests.queries(GrafanaDashboardTests.dashboard()).forEach((query) -> live.add(oneLine(query)));
		for (Map<String, Object> rule : PrometheusRulesTests.rules()) {
			if (rule.containsKey("record")) {
				live.add(oneLine((String) rule.get("expr")));
			}
		}
		Set<String> tested = runbookQueries();
		List<String> queries = queries();
		assertThat(queries).hasSizeGreaterThan(10);
		assertThat(queries).allSatisfy((query) -> assertThat(live.contains(oneLine(query))
				|| tested.contains(oneLine(query)))
			.as("query of docs/operations.md run live or by promtool:%n%s", query)
			.isTrue());
		assertThat(queries.stream().map(OperationsGuideTests::oneLine).filter(tested::contains)).as("runbook queries")
			.hasSizeGreaterThan(10);
		String output = PrometheusRulesTests.promtool(RUNBOOK_QUERIES.getParent(), "test", "rules",
				RUNBOOK_QUERIES.getFileName().toString());
		assertThat(output).contains("SUCCESS").doesNotContain("FAILED");
	}

	@Test
	void guideShowsTheQueryOfEveryPanel() throws IOException {
		List<String> shown = queries().stream().map(OperationsGuideTests::oneLine).toList();
		assertThat(shown).containsAll(GrafanaDashboardTests.queries(GrafanaDashboardTests.dashboard())
			.stream()
			.map(OperationsGuideTests::oneLine)
			.toList());
	}

	@SuppressWarnings("unchecked")
	private static Set<String> runbookQueries() throws IOException {
		Set<String> exprs = new HashSet<>();
		Map<String, Object> file = new Yaml().load(Files.readString(RUNBOOK_QUERIES));
		for (Map<String, Object> test : (List<Map<String, Object>>) file.get("tests")) {
			for (Map<String, Object> exprTest : (List<Map<String, Object>>) test.get("promql_expr_test")) {
				exprs.add(oneLine((String) exprTest.get("expr")));
			}
		}
		return exprs;
	}

	// The queries of the promql blocks: each follows a comment line and may span several lines.
	private static List<String> queries() throws IOException {
		List<String> queries = new ArrayList<>();
		for (Snippet snippet : MarkdownSnippets.of(OPERATIONS, "promql")) {
			queries.addAll(MarkdownSnippets.queries(snippet.text()));
		}
		return queries;
	}

	private static String oneLine(String text) {
		return text.strip().replaceAll("\\s+", " ");
	}

}
