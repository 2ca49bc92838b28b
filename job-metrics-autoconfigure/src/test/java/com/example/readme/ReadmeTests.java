package com.example.readme;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.github.jobmetrics.MarkdownSnippets;
import io.github.jobmetrics.MarkdownSnippets.Snippet;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.yaml.snakeyaml.Yaml;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ByteArrayResource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the README true: every snippet in it is exercised, so that the documentation cannot rot.
 * <ul>
 * <li>Java: each block stands word for word in a source of this package, which compiles and which
 * {@link ReadmeExamplesTests} runs.</li>
 * <li>YAML: each block configures a real application (web server, actuator, job-metrics, the README's jobs),
 * which must start and serve a scrape that shows what the block configures.</li>
 * <li>PromQL: each query is evaluated by {@code promtool test rules} against input series, with the results
 * the README promises (tests in {@code src/test/resources/promql}).</li>
 * <li>The dependency and the commands: they name this build's starter and what CI runs; the one dependency
 * block is what each older Spring Boot line's {@code compat/boot-*} module is tested with.</li>
 * </ul>
 */
class ReadmeTests {

	private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

	private static final Path README = ROOT.resolve("README.md");

	private static final Path JAVA_EXAMPLES = Path.of("src/test/java/com/example/readme");

	private static final Path PROMQL_TESTS = Path.of("src/test/resources/promql");

	@Test
	void everyJavaSnippetStandsWordForWordInACompiledAndTestedSource() throws IOException {
		List<Snippet> snippets = snippets("java");
		assertThat(snippets).isNotEmpty();
		List<String> sources = new ArrayList<>();
		try (Stream<Path> files = Files.list(JAVA_EXAMPLES)) {
			for (Path file : files.filter((path) -> path.toString().endsWith(".java")).toList()) {
				sources.add("\n" + String.join("\n", normalized(Files.readString(file))) + "\n");
			}
		}
		for (Snippet snippet : snippets) {
			String wanted = "\n" + String.join("\n", normalized(snippet.text())) + "\n";
			assertThat(sources).as("the Java block at README.md line %d in a source of %s", snippet.line(),
					JAVA_EXAMPLES)
				.anySatisfy((source) -> assertThat(source).contains(wanted));
		}
	}

	@TestFactory
	Stream<DynamicTest> everyYamlSnippetConfiguresARealApplication() throws IOException {
		List<Snippet> snippets = snippets("yaml");
		assertThat(snippets).isNotEmpty();
		return snippets.stream()
			.map((snippet) -> DynamicTest.dynamicTest("README.md line " + snippet.line(), () -> startWith(snippet)));
	}

	@Test
	void everyPromqlQueryIsEvaluatedByPromtoolWithTheResultTheReadmePromises() throws Exception {
		List<String> queries = new ArrayList<>();
		for (Snippet snippet : snippets("promql")) {
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
			assertThat(tested).as("promtool tests of the README query%n%s", query).contains(oneLine(query));
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
		List<Snippet> snippets = snippets("xml");
		assertThat(snippets).isNotEmpty();
		String rootPom = Files.readString(ROOT.resolve("pom.xml"));
		String version = first(rootPom, "<version>([^<]+)</version>");
		String groupId = first(rootPom, "<groupId>([^<]+)</groupId>");
		String starterPom = Files.readString(ROOT.resolve("job-metrics-spring-boot-starter/pom.xml"));
		assertThat(starterPom).contains("<artifactId>job-metrics-spring-boot-starter</artifactId>");
		assertThat(snippets.get(0).text()).contains("<groupId>" + groupId + "</groupId>",
				"<artifactId>job-metrics-spring-boot-starter</artifactId>", "<version>" + version + "</version>");
	}

	// One dependency block for every Boot line: the compat module of each line depends on exactly the Quick start's
	// set (between its "README" markers) and runs the tests on that line's dependency management, so a block that
	// works on one line only cannot stand.
	@Test
	void everyBootLineIsTestedWithTheQuickStartDependency() throws IOException {
		String version = first(Files.readString(ROOT.resolve("pom.xml")), "<version>([^<]+)</version>");
		List<String> documented = dependencies(snippets("xml").get(0).text());
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
		List<Snippet> snippets = snippets("xml");
		String pom = Files.readString(Path.of("pom.xml"));
		Pattern dependency = Pattern.compile("<dependency>\\s*<groupId>([^<]+)</groupId>\\s*<artifactId>([^<]+)</artifactId>"
				+ "\\s*</dependency>");
		assertThat(snippets).hasSizeGreaterThan(1);
		for (Snippet snippet : snippets.subList(1, snippets.size())) {
			Matcher matcher = dependency.matcher(snippet.text().strip());
			assertThat(matcher.matches()).as("README.md line %d is one dependency without version", snippet.line())
				.isTrue();
			assertThat(pom).as("README.md line %d in the test dependencies of %s", snippet.line(), Path.of("pom.xml"))
				.containsPattern("<dependency>\\s*<groupId>" + Pattern.quote(matcher.group(1)) + "</groupId>\\s*<artifactId>"
						+ Pattern.quote(matcher.group(2)) + "</artifactId>\\s*<scope>test</scope>\\s*</dependency>");
		}
	}

	@Test
	void environmentExampleConfiguresAJobWhoseNameHasADot() throws Exception {
		String json = snippets("shell").stream()
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

	// The table of what each Spring Boot line is proven on names a test in each cell: it must exist, and a test named
	// for 3.5 or 4.0 must not be one that compat/ leaves out on that line.
	@Test
	void everyTestTheBootLineTableNamesRunsOnThatLine() throws IOException {
		List<String> rows = Files.readAllLines(README)
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

	@Test
	void testCommandOfTheReadmeIsTheOneCiRuns() throws IOException {
		List<String> commands = snippets("shell").stream().map((snippet) -> snippet.text().strip()).toList();
		List<String> ciLines = Files.readAllLines(ROOT.resolve(".ci/run"))
			.stream()
			.map(String::strip)
			.filter((line) -> !line.isEmpty() && !line.startsWith("#"))
			.toList();
		assertThat(commands).contains(ciLines.get(ciLines.size() - 1));
	}

	private static void startWith(Snippet snippet) throws Exception {
		List<PropertySource<?>> sources = new YamlPropertySourceLoader().load("README.md line " + snippet.line(),
				new ByteArrayResource(snippet.text().getBytes(StandardCharsets.UTF_8)));
		Map<String, Object> properties = new java.util.LinkedHashMap<>();
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

	static List<Snippet> snippets(String language) throws IOException {
		return MarkdownSnippets.of(README, language);
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
		for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
			Path candidate = Path.of(dir, "promtool");
			if (Files.isExecutable(candidate)) {
				return candidate.toString();
			}
		}
		throw new AssertionError("promtool is not on the PATH: install Debian's prometheus package "
				+ "(scripts/test.sh does) to test the README's PromQL");
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import({ Invoices.class, InvoiceJobs.class, Exporter.class })
	static class ReadmeApplication {

	}

}
