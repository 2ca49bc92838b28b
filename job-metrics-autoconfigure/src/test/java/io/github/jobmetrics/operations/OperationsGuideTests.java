package io.github.jobmetrics.operations;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
		List<String> queries = queries(Files.readString(OPERATIONS));
		assertThat(queries).hasSizeGreaterThan(10);
		assertThat(queries).allSatisfy((query) -> assertThat(live).as("query of docs/operations.md run live")
			.contains(oneLine(query)));
	}

	@Test
	void guideShowsTheQueryOfEveryPanel() throws IOException {
		List<String> shown = queries(Files.readString(OPERATIONS)).stream().map(OperationsGuideTests::oneLine).toList();
		assertThat(shown).containsAll(GrafanaDashboardTests.queries(GrafanaDashboardTests.dashboard())
			.stream()
			.map(OperationsGuideTests::oneLine)
			.toList());
	}

	// The queries of the promql blocks: each follows a comment line and may span several lines.
	private static List<String> queries(String markdown) {
		List<String> queries = new ArrayList<>();
		boolean inBlock = false;
		StringBuilder query = new StringBuilder();
		for (String line : markdown.split("\n")) {
			String stripped = line.strip();
			if (stripped.startsWith("```")) {
				if (inBlock && !query.isEmpty()) {
					queries.add(query.toString());
					query.setLength(0);
				}
				inBlock = !inBlock && stripped.equals("```promql");
				continue;
			}
			if (!inBlock) {
				continue;
			}
			if (stripped.startsWith("#") || stripped.isEmpty()) {
				if (!query.isEmpty()) {
					queries.add(query.toString());
					query.setLength(0);
				}
			}
			else {
				query.append(line).append('\n');
			}
		}
		return queries;
	}

	private static String oneLine(String text) {
		return text.strip().replaceAll("\\s+", " ");
	}

}
