package io.github.jobmetrics.operations;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The structure of the Grafana dashboard shipped in the jar ({@code META-INF/job-metrics/grafana-dashboard.json}):
 * a data-source variable and job and queue variables, every panel titled, described, with a unit and queries on
 * the data-source variable. The sample app's {@code OperationsKitIT} runs every one of its queries against a real
 * Prometheus.
 */
class GrafanaDashboardTests {

	static final String DASHBOARD_RESOURCE = "META-INF/job-metrics/grafana-dashboard.json";

	private static final Set<String> UNITS = Set.of("short", "s", "ops", "percentunit");

	@Test
	void hasADataSourceVariableAndJobAndQueueVariables() throws IOException {
		JsonNode variables = dashboard().path("templating").path("list");
		List<String> names = new ArrayList<>();
		variables.forEach((variable) -> names.add(variable.path("name").asString()));
		assertThat(names).containsExactly("datasource", "job_name", "queue");
		JsonNode datasource = variables.get(0);
		assertThat(datasource.path("type").asString()).isEqualTo("datasource");
		assertThat(datasource.path("query").asString()).isEqualTo("prometheus");
		for (JsonNode variable : List.of(variables.get(1), variables.get(2))) {
			assertThat(variable.path("datasource").path("uid").asString()).isEqualTo("${datasource}");
			assertThat(variable.path("query").path("query").asString()).startsWith("label_values(job_worked_seconds_total");
			assertThat(variable.path("multi").asBoolean()).isTrue();
			assertThat(variable.path("includeAll").asBoolean()).isTrue();
			assertThat(variable.path("allValue").asString()).isEqualTo(".*");
		}
	}

	@Test
	void everyPanelIsTitledDescribedWithAUnitAndQueriesTheDataSourceVariable() throws IOException {
		JsonNode panels = dashboard().path("panels");
		assertThat(panels.size()).isGreaterThanOrEqualTo(12);
		Set<String> titles = new HashSet<>();
		Set<Integer> ids = new HashSet<>();
		for (JsonNode panel : panels) {
			String title = panel.path("title").asString();
			assertThat(title).as("title of %s", panel.path("id")).isNotBlank();
			assertThat(titles.add(title)).as("unique title " + title).isTrue();
			assertThat(ids.add(panel.path("id").asInt())).as("unique id of " + title).isTrue();
			assertThat(panel.path("description").asString()).as("description of " + title).hasSizeGreaterThan(40);
			assertThat(panel.path("fieldConfig").path("defaults").path("unit").asString()).as("unit of " + title)
				.isIn(UNITS);
			assertThat(panel.path("datasource").path("uid").asString()).as("data source of " + title)
				.isEqualTo("${datasource}");
			JsonNode targets = panel.path("targets");
			assertThat(targets.size()).as("queries of " + title).isPositive();
			for (JsonNode target : targets) {
				assertThat(target.path("datasource").path("uid").asString()).isEqualTo("${datasource}");
				assertThat(target.path("expr").asString()).as("query of " + title).isNotBlank();
				assertThat(target.path("legendFormat").asString()).as("legend of " + title).isNotBlank();
			}
		}
	}

	@Test
	void panelsCoverWhatAnOperatorNeeds() throws IOException {
		List<String> queries = queries(dashboard());
		for (String metric : List.of("job_worked_seconds_total", "job_worker_capacity", "job_duration_seconds_sum",
				"job_executions_total", "job_duration_seconds_bucket", "job_queue_wait_seconds_bucket",
				"job_queue_last_enqueued_timestamp_seconds", "job_queue_heartbeat_timestamp_seconds", "job_inflight",
				"job_oldest_inflight_age_seconds", "job_last_success_timestamp_seconds", "job_schedule_lag_seconds_bucket",
				"job_misfires_total")) {
			assertThat(queries).as("a panel on " + metric).anyMatch((query) -> query.contains(metric + "{"));
		}
		// Each selector follows the job and queue variables, so that the dashboard can be narrowed.
		assertThat(queries).allMatch((query) -> query.contains("queue=~\"$queue\""));
	}

	static List<String> queries(JsonNode dashboard) {
		List<String> queries = new ArrayList<>();
		dashboard.path("panels").forEach((panel) -> panel.path("targets")
			.forEach((target) -> queries.add(target.path("expr").asString())));
		return queries;
	}

	static JsonNode dashboard() throws IOException {
		try (InputStream in = GrafanaDashboardTests.class.getClassLoader().getResourceAsStream(DASHBOARD_RESOURCE)) {
			assertThat(in).as(DASHBOARD_RESOURCE + " on the classpath").isNotNull();
			return JsonMapper.builder().build().readTree(in);
		}
	}

}
