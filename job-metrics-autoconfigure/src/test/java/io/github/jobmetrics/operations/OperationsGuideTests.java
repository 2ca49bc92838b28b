package io.github.jobmetrics.operations;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.github.jobmetrics.MarkdownSnippets;
import io.github.jobmetrics.MarkdownSnippets.Snippet;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps {@code docs/operations.md} true: every PromQL query in it is a dashboard query or a recording rule of the
 * shipped files, word for word, so that it is one of the queries the sample app's {@code OperationsKitIT} runs
 * against a real Prometheus; and every dashboard panel's query is shown there.
 */
class OperationsGuideTests {

	private static final Path OPERATIONS = Path.of("..").toAbsolutePath().normalize().resolve("docs/operations.md");

	@Test
	void everyQueryOfTheGuideIsADashboardQueryOrARecordingRule() throws IOException {
		Set<String> live = new HashSet<>();
		GrafanaDashboardTests.queries(GrafanaDashboardTests.dashboard()).forEach((query) -> live.add(oneLine(query)));
		for (Map<String, Object> rule : PrometheusRulesTests.rules()) {
			if (rule.containsKey("record")) {
				live.add(oneLine((String) rule.get("expr")));
			}
		}
		List<String> queries = queries();
		assertThat(queries).hasSizeGreaterThan(10);
		assertThat(queries).allSatisfy((query) -> assertThat(live).as("query of docs/operations.md run live")
			.contains(oneLine(query)));
	}

	@Test
	void guideShowsTheQueryOfEveryPanel() throws IOException {
		List<String> shown = queries().stream().map(OperationsGuideTests::oneLine).toList();
		assertThat(shown).containsAll(GrafanaDashboardTests.queries(GrafanaDashboardTests.dashboard())
			.stream()
			.map(OperationsGuideTests::oneLine)
			.toList());
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
