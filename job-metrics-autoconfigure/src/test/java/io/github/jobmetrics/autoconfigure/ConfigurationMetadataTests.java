package io.github.jobmetrics.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.github.jobmetrics.micrometer.JobMeterSettings;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.convert.DurationStyle;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests the {@code META-INF/spring-configuration-metadata.json} that the build generates for
 * {@link JobMetricsProperties}: what an IDE can complete and document.
 */
class ConfigurationMetadataTests {

	@Test
	void documentsEveryPropertyOfJobMetricsProperties() throws IOException {
		Map<String, JsonNode> properties = new LinkedHashMap<>(properties(metadata()));
		Map<String, JsonNode> metadataOfEndpoint = new LinkedHashMap<>(properties);
		properties.keySet().removeIf((name) -> !name.startsWith("job-metrics."));
		metadataOfEndpoint.keySet().removeIf((name) -> name.startsWith("job-metrics."));
		List<String> expected = names("job-metrics", JobMetricsProperties.class).toList();
		assertThat(properties).containsOnlyKeys(expected).isNotEmpty();
		// Spring Boot's processor documents the access and cache settings of our endpoint too.
		assertThat(metadataOfEndpoint).containsOnlyKeys("management.endpoint.jobs.access",
				"management.endpoint.jobs.cache.time-to-live");
		properties.forEach((name, property) -> assertThat(property.path("description").asString()).as(name)
			.isNotBlank()
			.doesNotStartWith("The "));
	}

	// The properties of a group: its fields, and those of its nested groups (job-metrics.heartbeat.jms.destinations).
	private static Stream<String> names(String prefix, Class<?> group) {
		return Arrays.stream(group.getDeclaredFields())
			.filter((field) -> !Modifier.isStatic(field.getModifiers()))
			.flatMap((field) -> (field.getType().getDeclaringClass() == JobMetricsProperties.class
					&& field.getType() != JobMetricsProperties.Job.class)
					? names(prefix + "." + dashed(field.getName()), field.getType())
					: Stream.of(prefix + "." + dashed(field.getName())));
	}

	@Test
	void documentsTheKeysUnderAJobNameInTheDescriptionOfJobs() throws IOException {
		// The format describes job-metrics.jobs only as a map; its description is all an IDE shows of Job.
		String description = properties(metadata()).get("job-metrics.jobs").path("description").asString();
		for (Field field : JobMetricsProperties.Job.class.getDeclaredFields()) {
			assertThat(description).contains(field.getName() + ", ");
		}
		assertThat(description).contains("job-metrics.jobs.[Exporter.run].buckets=1s,1m");
	}

	@Test
	void givesTheDefaultBuckets() throws IOException {
		JsonNode buckets = properties(metadata()).get("job-metrics.buckets").path("defaultValue");
		List<Duration> defaults = buckets.valueStream()
			.map((bucket) -> DurationStyle.SIMPLE.parse(bucket.asString()))
			.toList();
		assertThat(defaults).isEqualTo(JobMeterSettings.DEFAULT_BUCKETS);
		List<Duration> queueWait = properties(metadata()).get("job-metrics.queue-wait-buckets")
			.path("defaultValue")
			.valueStream()
			.map((bucket) -> DurationStyle.SIMPLE.parse(bucket.asString()))
			.toList();
		assertThat(queueWait).isEqualTo(JobMeterSettings.DEFAULT_QUEUE_WAIT_BUCKETS);
		assertThat(properties(metadata()).get("job-metrics.enabled").path("defaultValue").asBoolean()).isTrue();
	}

	@Test
	void leavesZeroCodeTracingOfScheduledMethodsOffByDefault() throws IOException {
		JsonNode scheduled = properties(metadata()).get("job-metrics.instrument.scheduled");
		assertThat(scheduled.path("type").asString()).isEqualTo("java.lang.Boolean");
		assertThat(scheduled.path("defaultValue").asBoolean(true)).isFalse();
	}

	@Test
	void hintsExceptionClassesForRetryExceptions() throws IOException {
		JsonNode hint = metadata().path("hints").valueStream()
			.filter((candidate) -> candidate.path("name").asString().equals("job-metrics.retry-exceptions"))
			.findFirst()
			.orElseThrow();
		assertThat(hint.path("providers").get(0).path("name").asString()).isEqualTo("class-reference");
		assertThat(hint.path("providers").get(0).path("parameters").path("target").asString())
			.isEqualTo(Throwable.class.getName());
	}

	private static Map<String, JsonNode> properties(JsonNode metadata) {
		return metadata.path("properties").valueStream()
			.collect(Collectors.toMap((property) -> property.path("name").asString(), (property) -> property));
	}

	// Ours, not another jar's: the one next to the compiled JobMetricsProperties.
	private static JsonNode metadata() throws IOException {
		String classes = JobMetricsProperties.class.getProtectionDomain().getCodeSource().getLocation().toString();
		for (URL url : Collections.list(ConfigurationMetadataTests.class.getClassLoader()
			.getResources("META-INF/spring-configuration-metadata.json"))) {
			if (url.toString().startsWith(classes)) {
				try (InputStream in = url.openStream()) {
					return JsonMapper.builder().build().readTree(in);
				}
			}
		}
		throw new IllegalStateException("No configuration metadata in " + classes);
	}

	private static String dashed(String camelCase) {
		return camelCase.replaceAll("([A-Z])", "-$1").toLowerCase();
	}

}
