package com.example.readme;

import java.beans.PropertyDescriptor;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.github.jobmetrics.MarkdownSnippets;
import io.github.jobmetrics.MarkdownSnippets.Block;
import io.github.jobmetrics.autoconfigure.JobMetricsProperties;
import io.github.jobmetrics.endpoint.JobsEndpoint;
import io.github.jobmetrics.shutdown.FinalScrapeLifecycle;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;
import org.yaml.snakeyaml.Yaml;

import org.springframework.beans.BeanUtils;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.json.JsonParserFactory;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ByteArrayResource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Keeps the documentation true: README.md, CONTRIBUTING.md and every page of {@code docs/}. Every code block in them
 * is exercised, so that the documentation cannot rot, and {@link #everyCodeBlockIsExercisedByATest()} fails on a
 * block that no test claims.
 * <ul>
 * <li>Java: each block stands word for word in a source of this package, which compiles and which
 * {@link ReadmeExamplesTests} and the listener tests run.</li>
 * <li>YAML: each Spring Boot block configures a real application (web server, actuator, job-metrics, the examples'
 * jobs), which must start and serve a scrape that shows what the block configures; Prometheus and Alertmanager
 * files are checked by {@code promtool} and {@code amtool}.</li>
 * <li>PromQL: each query is evaluated by {@code promtool test rules} against input series, with the results the
 * page promises (tests in {@code src/test/resources/promql}); those of {@code docs/operations.md} are dashboard
 * queries or recording rules ({@code OperationsGuideTests}).</li>
 * <li>XML: the dependency is this build's starter, the one each older Spring Boot line's {@code compat/boot-*} module
 * is tested with; other dependency blocks are ones this module's tests run with.</li>
 * <li>Shell: each command names modules, tests, profiles, scripts and files that exist, and CI runs the README's
 * test command.</li>
 * <li>Text and JSON: the sample scrape, the failure analysis and the {@code /actuator/jobs} answer are what the
 * application prints.</li>
 * </ul>
 * Links and anchors between the pages resolve; the configuration reference is the build's metadata; the Spring Boot
 * line table names tests that run on each line.
 */
@ExtendWith(OutputCaptureExtension.class)
class DocumentationTests {

	private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

	private static final Path README = ROOT.resolve("README.md");

	private static final Path OPERATIONS = ROOT.resolve("docs/operations.md");

	private static final Path CONFIGURATION = ROOT.resolve("docs/configuration.md");

	private static final Path BOOT_LINES = ROOT.resolve("docs/spring-boot-lines.md");

	private static final Path JAVA_EXAMPLES = Path.of("src/test/java/com/example/readme");

	private static final Path PROMQL_TESTS = Path.of("src/test/resources/promql");

	private static final Path METADATA = Path.of("target/classes/META-INF/spring-configuration-metadata.json");

	// Top-level keys of YAML files that are not Spring Boot configuration.
	private static final Set<String> PROMETHEUS_FILES = Set.of("rule_files", "route", "groups");

	// -- which test exercises which block; everyCodeBlockIsExercisedByATest() requires that one does --

	private static final Predicate<Block> SPRING_YAML = (block) -> block.language().equals("yaml")
			&& !PROMETHEUS_FILES.contains(firstKey(block));

	private static final Predicate<Block> PROMETHEUS_YAML = (block) -> block.language().equals("yaml")
			&& PROMETHEUS_FILES.contains(firstKey(block));

	private static final Predicate<Block> PROMTOOL_PROMQL = (block) -> block.language().equals("promql")
			&& !block.page().equals(OPERATIONS);

	// OperationsGuideTests: every query of the operations guide is a dashboard query or a recording rule.
	private static final Predicate<Block> OPERATIONS_PROMQL = (block) -> block.language().equals("promql")
			&& block.page().equals(OPERATIONS);

	private static final Predicate<Block> SCRAPE_TEXT = (block) -> block.language().equals("text")
			&& block.text().strip().startsWith("job_");

	private static final Predicate<Block> FAILURE_ANALYSIS_TEXT = (block) -> block.language().equals("text")
			&& block.text().strip().startsWith("Description:");

	private static final Map<String, Predicate<Block>> CLAIMS = Map.of("java",
			(block) -> block.language().equals("java"), "yaml", SPRING_YAML.or(PROMETHEUS_YAML), "promql",
			PROMTOOL_PROMQL.or(OPERATIONS_PROMQL), "xml", (block) -> block.language().equals("xml"), "shell",
			(block) -> block.language().equals("shell"), "text", SCRAPE_TEXT.or(FAILURE_ANALYSIS_TEXT), "json",
			(block) -> block.language().equals("json"));

	@Test
	void everyCodeBlockIsExercisedByATest() throws IOException {
		List<Block> blocks = allBlocks();
		assertThat(blocks).hasSizeGreaterThan(50);
		assertThat(blocks).allSatisfy((block) -> assertThat(CLAIMS.getOrDefault(block.language(), (any) -> false))
			.as("%s: a block of a language the documentation tests know (%s), which one of them exercises", block,
					CLAIMS.keySet())
			.accepts(block));
	}

	@Test
	void everyRelativeLinkAndAnchorResolves() throws IOException {
		Pattern link = Pattern.compile("\\]\\(([^)\\s]+)\\)");
		List<String> broken = new ArrayList<>();
		for (Path page : pages()) {
			String text = withoutCode(Files.readString(page));
			Matcher matcher = link.matcher(text);
			while (matcher.find()) {
				String target = matcher.group(1);
				if (target.matches("[a-z]+:.*")) {
					continue;
				}
				String file = target.contains("#") ? target.substring(0, target.indexOf('#')) : target;
				Path resolved = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
				if (!Files.exists(resolved)) {
					broken.add(ROOT.relativize(page) + ": " + target + " (no such file)");
				}
				else if (target.contains("#")
						&& !anchors(resolved).contains(target.substring(target.indexOf('#') + 1))) {
					broken.add(ROOT.relativize(page) + ": " + target + " (no such heading in "
							+ ROOT.relativize(resolved) + ")");
				}
			}
		}
		assertThat(broken).as("links between the pages").isEmpty();
	}

	@Test
	void everyGuideIsInTheIndexAndTheReadmeLinksTheIndex() throws IOException {
		String index = Files.readString(ROOT.resolve("docs/README.md"));
		try (Stream<Path> files = Files.list(ROOT.resolve("docs"))) {
			assertThat(files.map((file) -> file.getFileName().toString())
				.filter((name) -> name.endsWith(".md") && !name.equals("README.md")))
				.isNotEmpty()
				.allSatisfy((name) -> assertThat(index).as("docs/README.md links %s", name).contains("](" + name + ")"));
		}
		assertThat(Files.readString(README)).contains("](docs/README.md)");
		assertThat(Files.readAllLines(README)).as("the README stays a landing page").hasSizeLessThanOrEqualTo(300);
	}

	@Test
	void everyJavaSnippetStandsWordForWordInACompiledAndTestedSource() throws IOException {
		List<Block> snippets = blocks("java");
		assertThat(snippets).isNotEmpty();
		List<String> sources = new ArrayList<>();
		try (Stream<Path> files = Files.list(JAVA_EXAMPLES)) {
			for (Path file : files.filter((path) -> path.toString().endsWith(".java")).toList()) {
				sources.add("\n" + String.join("\n", normalized(Files.readString(file))) + "\n");
			}
		}
		for (Block snippet : snippets) {
			String wanted = "\n" + String.join("\n", normalized(snippet.text())) + "\n";
			assertThat(sources).as("%s in a source of %s", snippet, JAVA_EXAMPLES)
				.anySatisfy((source) -> assertThat(source).contains(wanted));
		}
	}

	@TestFactory
	Stream<DynamicTest> everyYamlSnippetConfiguresARealApplication() throws IOException {
		List<Block> snippets = allBlocks().stream().filter(SPRING_YAML).toList();
		assertThat(snippets).isNotEmpty();
		return snippets.stream().map((snippet) -> DynamicTest.dynamicTest(snippet.toString(), () -> startWith(snippet)));
	}

	// The Prometheus and Alertmanager files of the operations guide: the threshold and runbook-link rules are the
	// ones the shipped rules' promtool tests load, the rule_files stanza is a valid Prometheus configuration, and the
	// route sends severity="page" to the pager and anything else to the chat.
	@Test
	void everyPrometheusAndAlertmanagerFileIsValid() throws Exception {
		List<Block> files = allBlocks().stream().filter(PROMETHEUS_YAML).toList();
		assertThat(files).extracting(DocumentationTests::firstKey).containsExactlyInAnyOrder("rule_files", "route",
				"groups", "groups");
		for (Block file : files) {
			switch (firstKey(file)) {
				case "groups" -> assertThat(normalized(file.text())).isIn(
						normalized(Files.readString(Path.of("src/test/resources/prometheus-rules/thresholds.yml"))),
						normalized(Files.readString(Path.of("src/test/resources/prometheus-rules/runbook-links.yml"))));
				case "rule_files" -> assertThat(run(List.of(promtool(), "check", "config", write(file.text())))).contains(
						"SUCCESS");
				default -> {
					String config = write(file.text() + "\nreceivers:\n  - name: chat\n  - name: pager\n");
					assertThat(run(List.of(tool("amtool"), "check-config", config))).contains("SUCCESS");
					assertThat(run(List.of(tool("amtool"), "config", "routes", "test", "--config.file=" + config,
							"severity=page")).strip()).endsWith("\npager");
					assertThat(run(List.of(tool("amtool"), "config", "routes", "test", "--config.file=" + config,
							"severity=notify")).strip()).endsWith("\nchat");
				}
			}
		}
	}

	@Test
	void everyPromqlQueryIsEvaluatedByPromtoolWithTheResultThePagePromises() throws Exception {
		List<String> queries = new ArrayList<>();
		for (Block snippet : allBlocks().stream().filter(PROMTOOL_PROMQL).toList()) {
			queries.addAll(MarkdownSnippets.queries(snippet.text()));
		}
		assertThat(queries).isNotEmpty();
		List<Path> testFiles;
		try (Stream<Path> files = Files.list(PROMQL_TESTS)) {
			testFiles = files.filter((path) -> path.toString().endsWith(".test.yml")).sorted().toList();
		}
		List<String> tested = new ArrayList<>();
		for (Path file : testFiles) {
			tested.addAll(exprs(new Yaml().load(Files.readString(file))));
		}
		for (String query : queries) {
			assertThat(tested).as("promtool tests of the query%n%s", query).contains(oneLine(query));
		}
		List<String> command = new ArrayList<>(List.of(promtool(), "test", "rules"));
		testFiles.forEach((file) -> command.add(file.getFileName().toString()));
		Process process = new ProcessBuilder(command).directory(PROMQL_TESTS.toFile())
			.redirectErrorStream(true)
			.start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		System.out.println(output);
		assertThat(process.exitValue()).as("promtool test rules:%n%s", output).isZero();
	}

	@Test
	void dependencySnippetNamesTheStarterOfThisBuild() throws IOException {
		assertThat(starterDependencies()).isNotEmpty().allSatisfy((snippet) -> assertThat(snippet.text().strip())
			.as(snippet.toString())
			.isEqualTo(readmeDependency()));
		String rootPom = Files.readString(ROOT.resolve("pom.xml"));
		String version = first(rootPom, "<version>([^<]+)</version>");
		String groupId = first(rootPom, "<groupId>([^<]+)</groupId>");
		String starterPom = Files.readString(ROOT.resolve("job-metrics-spring-boot-starter/pom.xml"));
		assertThat(starterPom).contains("<artifactId>job-metrics-spring-boot-starter</artifactId>");
		assertThat(readmeDependency()).contains("<groupId>" + groupId + "</groupId>",
				"<artifactId>job-metrics-spring-boot-starter</artifactId>", "<version>" + version + "</version>");
		// The version the prose names, and the Gradle coordinates, are this build's too.
		assertThat(Files.readString(README)).contains("The version is `" + version + "`");
		for (Path page : pages()) {
			Matcher coordinates = Pattern.compile("io\\.github\\.jobmetrics:job-metrics-[\\w-]+:([\\w.-]+)")
				.matcher(Files.readString(page));
			while (coordinates.find()) {
				assertThat(coordinates.group(1)).as("%s: %s", page.getFileName(), coordinates.group()).isEqualTo(version);
			}
		}
	}

	// One dependency block for every Boot line: the compat module of each line depends on exactly the Quick start's
	// set (between its "README" markers) and runs the tests on that line's dependency management, so a block that
	// works on one line only cannot stand.
	@Test
	void everyBootLineIsTestedWithTheQuickStartDependency() throws IOException {
		String version = first(Files.readString(ROOT.resolve("pom.xml")), "<version>([^<]+)</version>");
		List<String> documented = dependencies(readmeDependency());
		List<String> lines = modules(Files.readString(ROOT.resolve("compat/pom.xml")));
		assertThat(lines).contains("boot-3.5", "boot-4.0");
		for (String line : lines) {
			String pom = Files.readString(ROOT.resolve("compat/" + line + "/pom.xml"));
			assertThat(first(pom, "<spring-boot.version>([^<]+)</spring-boot.version>"))
				.startsWith(line.substring("boot-".length()) + ".");
			String tested = first(pom,
					"(?s)<!-- README \"Quick start\": begin[^>]*-->(.*)<!-- README \"Quick start\": end -->");
			assertThat(documented).as("the Quick start block, as compat/%s depends on it", line)
				.containsExactlyElementsOf(dependencies(tested).stream()
					.map((dependency) -> dependency.startsWith("io.github.jobmetrics:") ? dependency + ":" + version
							: dependency)
					.toList());
		}
	}

	private static List<Block> starterDependencies() throws IOException {
		return blocks("xml").stream().filter((block) -> block.text().contains("job-metrics-spring-boot-starter")).toList();
	}

	private static String readmeDependency() throws IOException {
		return MarkdownSnippets.all(README)
			.stream()
			.filter((block) -> block.language().equals("xml"))
			.findFirst()
			.orElseThrow()
			.text()
			.strip();
	}

	private static List<String> modules(String pom) {
		Matcher module = Pattern.compile("<module>([^<]+)</module>").matcher(pom);
		List<String> modules = new ArrayList<>();
		while (module.find()) {
			modules.add(module.group(1));
		}
		return modules;
	}

	// groupId:artifactId[:version] of each <dependency> of a block, in order.
	private static List<String> dependencies(String xml) {
		Matcher dependency = Pattern.compile("(?s)<dependency>\\s*<groupId>([^<]+)</groupId>\\s*<artifactId>([^<]+)"
				+ "</artifactId>\\s*(?:<version>([^<]+)</version>\\s*)?</dependency>").matcher(xml);
		List<String> dependencies = new ArrayList<>();
		while (dependency.find()) {
			dependencies.add(dependency.group(1) + ":" + dependency.group(2)
					+ ((dependency.group(3) != null) ? ":" + dependency.group(3) : ""));
		}
		assertThat(xml.split("<dependency>", -1)).as("every <dependency> of%n%s parsed", xml)
			.hasSize(dependencies.size() + 1);
		return dependencies;
	}

	// The other dependency blocks (tracing, OTLP) are what this module's tests run with: each is declared here, in
	// test scope, without a version (Spring Boot's dependency management chooses it, as it does for a user).
	@Test
	void everyOtherDependencySnippetIsOneTheTestsRunWith() throws IOException {
		List<Block> snippets = blocks("xml").stream()
			.filter((block) -> !block.text().contains("job-metrics-spring-boot-starter"))
			.toList();
		String pom = Files.readString(Path.of("pom.xml"));
		Pattern dependency = Pattern.compile("<dependency>\\s*<groupId>([^<]+)</groupId>\\s*<artifactId>([^<]+)</artifactId>"
				+ "\\s*</dependency>");
		assertThat(snippets).isNotEmpty();
		for (Block snippet : snippets) {
			Matcher matcher = dependency.matcher(snippet.text().strip());
			assertThat(matcher.matches()).as("%s is one dependency without version", snippet).isTrue();
			assertThat(pom).as("%s in the test dependencies of %s", snippet, Path.of("pom.xml"))
				.containsPattern("<dependency>\\s*<groupId>" + Pattern.quote(matcher.group(1)) + "</groupId>\\s*<artifactId>"
						+ Pattern.quote(matcher.group(2)) + "</artifactId>\\s*<scope>test</scope>\\s*</dependency>");
		}
	}

	@Test
	void environmentExampleConfiguresAJobWhoseNameHasADot() throws Exception {
		String json = blocks("shell").stream()
			.map((snippet) -> Pattern.compile("SPRING_APPLICATION_JSON='(.+)'").matcher(snippet.text().strip()))
			.filter(Matcher::matches)
			.map((matcher) -> matcher.group(1))
			.findFirst()
			.orElseThrow();
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(ReadmeApplication.class)
			.properties("server.port=0", "management.endpoints.web.exposure.include=prometheus",
					"spring.application.json=" + json)
			.run()) {
			String scrape = scrape(context.getEnvironment().getProperty("local.server.port"));
			assertThat(scrape.lines()
				.filter((line) -> line.startsWith("job_duration_seconds_bucket{") && line.contains("job_name=\"Exporter.run\""))
				.filter((line) -> line.contains("team=\"billing\"")))
				.as("1s, 1m and +Inf, tagged team=billing")
				.hasSize(3);
		}
	}

	// Every command of a shell block names what exists: Maven modules, tests and profiles, scripts, the jar a module
	// builds, the repository, and files in the published jar at this build's version.
	@Test
	void everyShellCommandNamesWhatExists() throws IOException {
		String rootPom = Files.readString(ROOT.resolve("pom.xml"));
		String version = first(rootPom, "<version>([^<]+)</version>");
		String url = first(rootPom, "<url>(https://github[^<]+)</url>");
		Pattern option = Pattern.compile("(?:^|\\s)-(pl|P|Dit\\.test=|Dtest=)\\s?'?([^\\s']+)'?");
		List<Block> shell = blocks("shell");
		assertThat(shell).hasSizeGreaterThan(5);
		for (Block block : shell) {
			for (String command : block.text().replace("\\\n", " ").split("\n|&&")) {
				String[] words = command.strip().split("\\s+");
				switch (words[0]) {
					case "./mvnw" -> {
						Matcher matcher = option.matcher(command);
						while (matcher.find()) {
							for (String value : matcher.group(2).split(",")) {
								switch (matcher.group(1)) {
									case "pl" -> assertThat(ROOT.resolve(value).resolve("pom.xml")).as("%s: module %s", block, value)
										.exists();
									case "P" -> assertThat(rootPom).as("%s: profile %s", block, value)
										.contains("<id>" + value + "</id>");
									default -> assertThat(value.equals("none") || testClass(value)).as("%s: test %s", block, value)
										.isTrue();
								}
							}
						}
					}
					case "java" -> {
						Matcher jar = Pattern.compile("([\\w-]+)/target/([\\w-]+)\\.jar").matcher(command);
						assertThat(jar.find()).as(block.toString()).isTrue();
						assertThat(Files.readString(ROOT.resolve(jar.group(1)).resolve("pom.xml")))
							.contains("<finalName>" + jar.group(2) + "</finalName>");
					}
					case "scripts/test.sh" -> assertThat(ROOT.resolve(words[0])).isExecutable();
					case "git" -> assertThat(words).as(block.toString()).containsSequence("clone", url + ".git");
					case "cd" -> assertThat(url).endsWith("/" + words[1]);
					case "unzip" -> {
						assertThat(words[2]).as(block.toString())
							.endsWith("/io/github/jobmetrics/job-metrics-autoconfigure/" + version
									+ "/job-metrics-autoconfigure-" + version + ".jar");
						assertThat(Path.of("src/main/resources").resolve(words[3])).exists();
					}
					case "promtool" -> assertThat(words).as(block.toString()).containsSequence("check", "rules");
					default -> assertThat(words[0]).as("%s: a command the documentation tests know", block)
						.startsWith("SPRING_APPLICATION_JSON=");
				}
			}
		}
	}

	private static boolean testClass(String name) throws IOException {
		try (Stream<Path> files = Files.walk(ROOT)) {
			return files.anyMatch((path) -> path.toString().contains("/src/test/java/")
					&& path.getFileName().toString().equals(name + ".java"));
		}
	}

	@Test
	void testCommandOfTheReadmeIsTheOneCiRuns() throws IOException {
		List<String> commands = MarkdownSnippets.of(README, "shell").stream().map((snippet) -> snippet.text().strip()).toList();
		List<String> ciLines = Files.readAllLines(ROOT.resolve(".ci/run"))
			.stream()
			.map(String::strip)
			.filter((line) -> !line.isEmpty() && !line.startsWith("#"))
			.toList();
		assertThat(commands).contains(ciLines.get(ciLines.size() - 1));
	}

	// The README's sample scrape: after one run of the quick-start job, each series it shows is in the real scrape,
	// with the same name and labels.
	@Test
	void quickStartScrapeShowsTheSeriesTheReadmeShows() throws Exception {
		List<Block> samples = allBlocks().stream().filter(SCRAPE_TEXT).toList();
		assertThat(samples).isNotEmpty();
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(QuickStartApplication.class)
			.properties("server.port=0", "management.endpoints.web.exposure.include=health, prometheus")
			.run()) {
			context.getBean(InvoiceExport.class).exportInvoices();
			Set<String> series = scrape(context.getEnvironment().getProperty("local.server.port")).lines()
				.filter((line) -> !line.startsWith("#"))
				.map((line) -> line.substring(0, line.lastIndexOf(' ')))
				.collect(Collectors.toSet());
			for (Block sample : samples) {
				for (String line : sample.text().strip().split("\n")) {
					assertThat(series).as("%s: %s", sample, line).contains(line.substring(0, line.lastIndexOf(' ')));
					assertThat(Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).isNotNegative();
				}
			}
		}
	}

	// The failure analysis the configuration guide shows is what start-up prints for the buckets it names.
	@Test
	void failureAnalysisOfTheGuideIsWhatStartupPrints(CapturedOutput output) throws IOException {
		List<Block> analyses = allBlocks().stream().filter(FAILURE_ANALYSIS_TEXT).toList();
		assertThat(analyses).hasSize(1);
		assertThatException().isThrownBy(() -> new SpringApplicationBuilder(ReadmeApplication.class)
			.properties("server.port=0", "job-metrics.buckets=100ms,1s,500ms")
			.run()
			.close());
		assertThat(oneLine(output.toString())).contains(oneLine(analyses.get(0).text()));
	}

	// The /actuator/jobs answer of the operations guide has exactly the fields of the endpoint's answer.
	@Test
	void jobsEndpointAnswerOfTheGuideHasTheFieldsOfTheEndpoint() throws IOException {
		List<Block> answers = blocks("json");
		assertThat(answers).hasSize(1);
		Set<String> shown = new LinkedHashSet<>();
		collectKeys(JsonParserFactory.getJsonParser().parseMap(answers.get(0).text()), shown);
		Set<String> fields = new LinkedHashSet<>();
		for (Class<?> type : JobsEndpoint.class.getDeclaredClasses()) {
			if (type.isRecord()) {
				Arrays.stream(type.getRecordComponents()).forEach((component) -> fields.add(component.getName()));
			}
		}
		fields.addAll(List.of("success", "failure", "retry", "cancelled"));
		assertThat(shown).isSubsetOf(fields);
	}

	@SuppressWarnings("unchecked")
	private static void collectKeys(Object json, Set<String> keys) {
		if (json instanceof Map<?, ?> map) {
			map.forEach((key, value) -> {
				keys.add((String) key);
				collectKeys(value, keys);
			});
		}
		else if (json instanceof List<?> list) {
			list.forEach((item) -> collectKeys(item, keys));
		}
	}

	// The reference table of docs/configuration.md is the configuration metadata the build generates: a row for every
	// property, as written here from its metadata (the message shows the row to add), and no row for a key that the
	// build does not know; the keys under a job name are the properties of JobMetricsProperties.Job.
	@Test
	void configurationReferenceIsTheBuildsMetadata() throws IOException {
		List<String> table = Files.readAllLines(CONFIGURATION)
			.stream()
			.dropWhile((line) -> !line.startsWith("| Key | Type | Default | Description |"))
			.skip(2)
			.takeWhile((line) -> line.startsWith("|"))
			.toList();
		List<String> expected = new ArrayList<>();
		for (Object property : (List<?>) JsonParserFactory.getJsonParser()
			.parseMap(Files.readString(METADATA))
			.get("properties")) {
			expected.add(row((Map<?, ?>) property));
		}
		assertThat(expected).hasSizeGreaterThan(20);
		List<String> perJob = new ArrayList<>();
		for (PropertyDescriptor property : BeanUtils.getPropertyDescriptors(JobMetricsProperties.Job.class)) {
			if (!property.getName().equals("class")) {
				String key = property.getName().replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
				perJob.add("`job-metrics.jobs.<name>." + key + (key.equals("tags") ? ".<key>`" : "`"));
			}
		}
		assertThat(table).as("the reference table holds every property of the metadata").containsAll(expected);
		List<String> others = table.stream().filter((row) -> !expected.contains(row)).toList();
		assertThat(others).as("the rows for keys under a job name, one per property of JobMetricsProperties.Job")
			.hasSameSizeAs(perJob)
			.allSatisfy((row) -> assertThat(perJob).anySatisfy((key) -> assertThat(row).startsWith("| " + key + " |")));
	}

	private static String row(Map<?, ?> property) {
		String type = ((String) property.get("type")).replaceAll("\\b[a-z]\\w*\\.", "")
			.replaceAll("\\b\\w+\\$", "")
			.replace(",", ", ");
		Object value = property.get("defaultValue");
		String defaultValue = (value == null) ? "—" : "`" + ((value instanceof List<?> list)
				? list.stream().map(String::valueOf).collect(Collectors.joining(", ")) : String.valueOf(value)) + "`";
		Object description = property.get("description");
		return String.format("| `%s` | `%s` | %s | %s |", property.get("name"), type, defaultValue,
				(description != null) ? description : "");
	}

	// The graceful-shutdown guide states the budget of a stop and the wait for runs with figures: they are the
	// lifecycle's own.
	@Test
	void shutdownFiguresOfTheGuideAreTheLifecyclesBudget() throws IOException {
		String guide = oneLine(Files.readString(ROOT.resolve("docs/graceful-shutdown.md")));
		assertThat(FinalScrapeLifecycle.budget(Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(29));
		assertThat(FinalScrapeLifecycle.budget(Duration.ofSeconds(45))).isEqualTo(Duration.ofSeconds(44));
		assertThat(FinalScrapeLifecycle.budget(Duration.ofSeconds(5))).isEqualTo(Duration.ofMillis(4500));
		assertThat(guide).contains("With the defaults the budget is 29 s, and runs are waited for up to 14 s",
				"29 s for the default 30 s, 44 s for 45 s, 4.5 s for 5 s");
	}

	// The table of what each Spring Boot line is proven on names a test in each cell: it must exist, and a test named
	// for 3.5 or 4.0 must not be one that compat/ leaves out on that line.
	@Test
	void everyTestTheBootLineTableNamesRunsOnThatLine() throws IOException {
		List<String> rows = Files.readAllLines(BOOT_LINES)
			.stream()
			.dropWhile((line) -> !line.startsWith("| Feature | 4.1 | 4.0 | 3.5 |"))
			.takeWhile((line) -> line.startsWith("|"))
			.skip(2)
			.toList();
		assertThat(rows).as("the rows of the Spring Boot line table").hasSizeGreaterThan(5);
		Pattern testName = Pattern.compile("`([A-Z]\\w+(?:Tests|IT))`");
		Map<String, Path> tests;
		try (Stream<Path> files = Files.walk(ROOT)) {
			tests = files.filter((path) -> path.toString().contains("/src/test/java/"))
				.filter((path) -> path.getFileName().toString().matches("[A-Z]\\w+(Tests|IT)\\.java"))
				.collect(Collectors.toMap((path) -> path.getFileName().toString().replace(".java", ""),
						(path) -> path, (first, second) -> first));
		}
		for (String row : rows) {
			String[] cells = row.split("\\|");
			for (int column = 2; column <= 4; column++) {
				String line = (column == 2) ? "4.1" : (column == 3) ? "4.0" : "3.5";
				Matcher matcher = testName.matcher(cells[column]);
				while (matcher.find()) {
					Path test = tests.get(matcher.group(1));
					assertThat(test).as("the test %s that the line table names for %s", matcher.group(1), line)
						.isNotNull();
					if (!line.equals("4.1")) {
						String source = test.toString().replaceFirst(".*/src/test/java/", "");
						assertThat(compatExcludes(line)).as("%s, named for Spring Boot %s", source, line)
							.noneMatch((exclude) -> source.matches(exclude));
					}
				}
			}
		}
	}

	// The testExclude globs of compat/pom.xml and of the line's own pom, as regular expressions.
	private static List<String> compatExcludes(String line) throws IOException {
		String poms = Files.readString(ROOT.resolve("compat/pom.xml"))
				+ Files.readString(ROOT.resolve("compat/boot-" + line + "/pom.xml"));
		Matcher matcher = Pattern.compile("<testExclude>([^<]+)</testExclude>").matcher(poms);
		List<String> excludes = new ArrayList<>();
		while (matcher.find()) {
			excludes.add(matcher.group(1).replace(".", "\\.").replace("**", "\0").replace("*", "[^/]*")
				.replace("\0", ".*"));
		}
		return excludes;
	}

	private static void startWith(Block snippet) throws Exception {
		List<PropertySource<?>> sources = new YamlPropertySourceLoader().load(snippet.toString(),
				new ByteArrayResource(snippet.text().getBytes(StandardCharsets.UTF_8)));
		Map<String, Object> properties = new LinkedHashMap<>();
		for (PropertySource<?> source : sources) {
			for (String name : ((EnumerablePropertySource<?>) source).getPropertyNames()) {
				properties.put(name, String.valueOf(source.getProperty(name)));
			}
		}
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(ReadmeApplication.class)
			.properties("server.port=0", "management.endpoints.web.exposure.include=prometheus")
			.initializers((application) -> sources.forEach(application.getEnvironment().getPropertySources()::addFirst))
			.run()) {
			String scrape = scrape(context.getEnvironment().getProperty("local.server.port"));
			assertThat(scrape).contains("job_worked_seconds_total{job_name=\"invoice-export\"");
			// What the block sets per job must show in the scrape: its tags, and its number of buckets.
			Pattern jobKey = Pattern.compile("job-metrics\\.jobs\\.(\\[[^\\]]+\\]|[^.]+)\\.(tags\\.(.+)|buckets)");
			for (Map.Entry<String, Object> property : properties.entrySet()) {
				Matcher matcher = jobKey.matcher(property.getKey());
				if (!matcher.matches()) {
					continue;
				}
				String job = matcher.group(1).replaceAll("^\\[|\\]$", "");
				if (matcher.group(3) != null) {
					assertThat(scrape).containsPattern("job_worked_seconds_total\\{[^}]*job_name=\"" + job + "\"[^}]*"
							+ matcher.group(3) + "=\"" + property.getValue() + "\"");
				}
				else {
					long buckets = scrape.lines()
						.filter((line) -> line.startsWith("job_duration_seconds_bucket{")
								&& line.contains("job_name=\"" + job + "\"") && !line.contains("le=\"+Inf\""))
						.count();
					assertThat(buckets).as("buckets of %s", job)
						.isEqualTo(property.getValue().toString().split(",").length);
				}
			}
		}
	}

	private static String scrape(String port) throws IOException, InterruptedException {
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/prometheus")).build(),
					HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		return response.body();
	}

	// README.md, CONTRIBUTING.md and every page under docs/.
	static List<Path> pages() throws IOException {
		List<Path> pages = new ArrayList<>(List.of(README, ROOT.resolve("CONTRIBUTING.md")));
		try (Stream<Path> files = Files.walk(ROOT.resolve("docs"))) {
			files.filter((path) -> path.toString().endsWith(".md")).sorted().forEach(pages::add);
		}
		return pages;
	}

	static List<Block> allBlocks() throws IOException {
		List<Block> blocks = new ArrayList<>();
		for (Path page : pages()) {
			blocks.addAll(MarkdownSnippets.all(page));
		}
		return blocks;
	}

	static List<Block> blocks(String language) throws IOException {
		return allBlocks().stream().filter((block) -> block.language().equals(language)).toList();
	}

	private static String firstKey(Block block) {
		Object yaml = new Yaml().load(block.text());
		return (yaml instanceof Map<?, ?> map && !map.isEmpty()) ? String.valueOf(map.keySet().iterator().next()) : "";
	}

	// GitHub's anchors of a page's headings: lower case, punctuation but '-' and '_' dropped, spaces as '-'.
	private static Set<String> anchors(Path page) throws IOException {
		Set<String> anchors = new LinkedHashSet<>();
		for (String line : withoutCode(Files.readString(page)).split("\n")) {
			if (line.matches("#{1,6} .*")) {
				anchors.add(line.replaceFirst("#+ ", "")
					.strip()
					.toLowerCase(Locale.ROOT)
					.replaceAll("[^\\p{L}\\p{N} _-]", "")
					.replace(' ', '-'));
			}
		}
		return anchors;
	}

	private static String withoutCode(String markdown) {
		return markdown.replaceAll("(?ms)^\\s*```.*?^\\s*```\\s*$", "").replaceAll("`[^`\n]*`", "``");
	}

	private static String write(String text) throws IOException {
		Path file = Files.createTempFile("documentation", ".yml");
		Files.writeString(file, text);
		file.toFile().deleteOnExit();
		return file.toString();
	}

	private static String run(List<String> command) throws Exception {
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as("%s:%n%s", command, output).isZero();
		return output;
	}

	@SuppressWarnings("unchecked")
	private static List<String> exprs(Object yaml) {
		List<String> exprs = new ArrayList<>();
		if (yaml instanceof Map<?, ?> map) {
			map.forEach((key, value) -> {
				if ("expr".equals(key) && value instanceof String expr) {
					exprs.add(oneLine(expr));
				}
				else {
					exprs.addAll(exprs(value));
				}
			});
		}
		else if (yaml instanceof List<?> list) {
			list.forEach((item) -> exprs.addAll(exprs(item)));
		}
		return exprs;
	}

	private static String oneLine(String text) {
		return text.strip().replaceAll("\\s+", " ");
	}

	private static List<String> normalized(String text) {
		return text.lines().map((line) -> line.strip().replaceAll("\\s+", " ")).filter((line) -> !line.isEmpty())
			.collect(Collectors.toList());
	}

	private static String first(String text, String regex) {
		Matcher matcher = Pattern.compile(regex).matcher(text);
		assertThat(matcher.find()).as(regex).isTrue();
		return matcher.group(1);
	}

	private static String promtool() {
		return tool("promtool");
	}

	private static String tool(String name) {
		for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
			Path candidate = Path.of(dir, name);
			if (Files.isExecutable(candidate)) {
				return candidate.toString();
			}
		}
		throw new AssertionError(name + " is not on the PATH: install Debian's prometheus and prometheus-alertmanager "
				+ "packages (scripts/test.sh does) to test the documentation's PromQL and Prometheus files");
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import({ Invoices.class, InvoiceJobs.class, Exporter.class })
	static class ReadmeApplication {

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import({ Invoices.class, InvoiceExport.class })
	static class QuickStartApplication {

	}

}
