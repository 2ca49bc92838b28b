package io.github.jobmetrics.operations;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Prometheus rules shipped in the jar ({@code META-INF/job-metrics/prometheus-rules.yml}): valid for
 * {@code promtool check rules}, proven by {@code promtool test rules} (every alert seen firing and silent,
 * restarts included), and documented with a runbook section per alert in {@code docs/operations.md}.
 */
class PrometheusRulesTests {

	static final String RULES_RESOURCE = "META-INF/job-metrics/prometheus-rules.yml";

	private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

	private static final Path OPERATIONS = ROOT.resolve("docs/operations.md");

	private static final Path TESTS = Path.of("src/test/resources/prometheus-rules");

	private static final String RUNBOOKS = "https://github.com/job-metrics/job-metrics/blob/main/docs/operations.md";

	private static final Set<String> PAGES = Set.of("JobQueueLagHigh", "JobQueueWaitHigh", "JobStale",
			"JobMetricsTargetDown");

	@Test
	void shippedRulesAreOnTheClasspathAndPassPromtoolCheck() throws Exception {
		Path extracted = Files.createTempFile("prometheus-rules", ".yml");
		try (InputStream in = getClass().getClassLoader().getResourceAsStream(RULES_RESOURCE)) {
			assertThat(in).as(RULES_RESOURCE + " on the classpath").isNotNull();
			Files.write(extracted, in.readAllBytes());
		}
		String output = promtool(Path.of("."), "check", "rules", extracted.toString());
		assertThat(output).contains("SUCCESS: " + rules().size() + " rules found");
		Files.delete(extracted);
	}

	@Test
	void promtoolUnitTestsOfTheRulesPass() throws Exception {
		List<String> arguments = new ArrayList<>(List.of("test", "rules"));
		ruleTests().forEach((file) -> arguments.add(file.getFileName().toString()));
		assertThat(arguments).hasSizeGreaterThan(3);
		String output = promtool(TESTS, arguments.toArray(String[]::new));
		assertThat(output).contains("SUCCESS").doesNotContain("FAILED");
	}

	@Test
	void everyAlertIsTestedFiringAndSilent() throws IOException {
		Map<String, List<Integer>> firingCounts = new LinkedHashMap<>();
		for (Path file : ruleTests()) {
			for (Map<String, Object> test : list(yaml(Files.readString(file)).get("tests"))) {
				for (Map<String, Object> alertTest : list(test.get("alert_rule_test"))) {
					firingCounts.computeIfAbsent((String) alertTest.get("alertname"), (name) -> new ArrayList<>())
						.add(list(alertTest.get("exp_alerts")).size());
				}
			}
		}
		for (String alert : alerts().keySet()) {
			assertThat(firingCounts).as("tests of " + alert).containsKey(alert);
			assertThat(firingCounts.get(alert)).as("a test where %s stays silent", alert).contains(0);
			assertThat(firingCounts.get(alert)).as("a test where %s fires", alert).anyMatch((count) -> count > 0);
		}
	}

	@Test
	void everyAlertSaysItsValueSeverityAndRunbookSection() throws IOException {
		Set<String> anchors = headingAnchors(Files.readString(OPERATIONS));
		Set<String> pages = new TreeSet<>();
		alerts().forEach((name, alert) -> {
			Map<String, Object> labels = map(alert.get("labels"));
			Map<String, Object> annotations = map(alert.get("annotations"));
			assertThat(labels.get("severity")).as("severity of " + name).isIn("page", "notify");
			if ("page".equals(labels.get("severity"))) {
				pages.add(name);
			}
			assertThat((String) annotations.get("summary")).as("summary of " + name).isNotBlank();
			assertThat((String) annotations.get("description")).as("description of " + name).contains("$value");
			String runbook = (String) annotations.get("runbook_url");
			String anchor = "#" + name.toLowerCase();
			assertThat(runbook).as("runbook of " + name)
				.isEqualTo("{{ with query \"job_metrics_runbooks\" }}{{ . | first | label \"url\" }}{{ else }}" + RUNBOOKS
						+ "{{ end }}" + anchor);
			assertThat(anchors).as("runbook section of %s in docs/operations.md", name).contains(name.toLowerCase());
		});
		assertThat(pages).as("alerts that page: user impact only").containsExactlyInAnyOrderElementsOf(PAGES);
	}

	@Test
	void thresholdAndRunbookLinkPatternsOfTheOperationsGuideAreTheOnesTested() throws IOException {
		String guide = normalized(Files.readString(OPERATIONS));
		assertThat(guide).contains(normalized(Files.readString(TESTS.resolve("thresholds.yml"))));
		assertThat(guide).contains(normalized(Files.readString(TESTS.resolve("runbook-links.yml"))));
	}

	// Every promtool test file of the shipped rules: one per evaluation interval (minutes, and days of samples).
	private static List<Path> ruleTests() throws IOException {
		try (Stream<Path> files = Files.list(TESTS)) {
			return files.filter((path) -> path.getFileName().toString().endsWith(".test.yml")).sorted().toList();
		}
	}

	static Map<String, Map<String, Object>> alerts() throws IOException {
		Map<String, Map<String, Object>> alerts = new LinkedHashMap<>();
		for (Map<String, Object> rule : rules()) {
			if (rule.containsKey("alert")) {
				alerts.put((String) rule.get("alert"), rule);
			}
		}
		return alerts;
	}

	static List<Map<String, Object>> rules() throws IOException {
		List<Map<String, Object>> rules = new ArrayList<>();
		for (Map<String, Object> group : list(yaml(shippedRules()).get("groups"))) {
			rules.addAll(list(group.get("rules")));
		}
		return rules;
	}

	static String shippedRules() throws IOException {
		try (InputStream in = PrometheusRulesTests.class.getClassLoader().getResourceAsStream(RULES_RESOURCE)) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
	}

	// GitHub's anchor of a heading: lower case, punctuation other than '-' dropped, spaces as '-'.
	private static Set<String> headingAnchors(String markdown) {
		Set<String> anchors = new TreeSet<>();
		Matcher matcher = Pattern.compile("(?m)^#{1,6} (.+)$").matcher(markdown);
		while (matcher.find()) {
			anchors.add(matcher.group(1).strip().toLowerCase().replaceAll("[^a-z0-9 _-]", "").replace(' ', '-'));
		}
		return anchors;
	}

	private static String normalized(String text) {
		return String.join("\n", text.lines().map(String::strip).filter((line) -> !line.isEmpty()).toList());
	}

	private static Map<String, Object> yaml(String text) {
		return new Yaml().load(text);
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> list(Object value) {
		return (value != null) ? (List<Map<String, Object>>) value : List.of();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> map(Object value) {
		return (Map<String, Object>) value;
	}

	static String promtool(Path directory, String... arguments) throws Exception {
		List<String> command = new ArrayList<>();
		command.add(promtoolExecutable());
		command.addAll(List.of(arguments));
		Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as("promtool %s:%n%s", String.join(" ", arguments), output).isZero();
		return output;
	}

	private static String promtoolExecutable() {
		for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
			Path candidate = Path.of(dir, "promtool");
			if (Files.isExecutable(candidate)) {
				return candidate.toString();
			}
		}
		throw new AssertionError("promtool is not on the PATH: install Debian's prometheus package "
				+ "(scripts/container-runtime.sh does) to test the shipped rules");
	}

}
