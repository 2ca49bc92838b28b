package io.github.jobmetrics.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.github.jobmetrics.JobMetricsConfigurationException;
import io.github.jobmetrics.micrometer.JobMeterSettings;
import io.github.jobmetrics.micrometer.MicrometerJobTracer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusNamingConvention;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Proves that no extra tag key that {@link JobMeterSettingsFactory} accepts can make a Prometheus scrape fail,
 * and that it judges each key as the label Micrometer's {@link PrometheusNamingConvention} makes of it.
 */
class ExtraTagKeyTests {

	private static final List<String> REJECTED = List.of("le", "quantile", "job", "instance", "job_name", "job.name",
			"job-name", "job:name", "queue", "result", "exception", "__x", "__name__", "__le",
			"team:a", ":x", "x:", "", " ", "\t");

	private static final List<String> ACCEPTED = List.of("LE", "Le", "lE", "Quantile", "JOB", "Job", "Instance",
			"jobName", "JobName", "job_name_", "exported_job", "Queue", "RESULT", "Exception", "exceptions", "le_",
			".le", "-le", "le.", "_.le", "..le", "._x", "_x", "x_", "_", "1x", "9", "a b", " team", "team ", "team-a", "team.a", "team_a",
			"a.b.c", "_.x", ".", "-", "é", "équipe", "日本", "\uD83D\uDE00", "a\u0000b", "name", "tier",
			"k".repeat(10_000));

	private final PrometheusNamingConvention convention = new PrometheusNamingConvention();

	@Test
	void noAcceptedKeyBreaksTheScrapeAndEveryRejectedKeyIsNamedWithItsLabelAndFix() {
		List<String> accepted = new ArrayList<>();
		List<String> rejected = new ArrayList<>();
		for (String key : Stream.concat(REJECTED.stream(), ACCEPTED.stream()).toList()) {
			JobMeterSettings settings;
			try {
				settings = JobMeterSettingsFactory.create(properties("export", key, "other", null), null);
			}
			catch (JobMetricsConfigurationException ex) {
				assertThat(ex.getSubject()).isEqualTo("job-metrics.jobs.[export].tags.[" + key + "]");
				if (key.contains(":")) {
					// Whatever label the Micrometer line makes of it (1.15 turns ':' into '_', later ones keep it).
					assertThat(ex.getProblem()).as(key).startsWith("has a ':'");
				}
				else if (!key.isBlank()) {
					assertThat(ex.getProblem()).as(key).contains("'" + this.convention.tagKey(key) + "'");
				}
				assertThat(ex.getAction()).as(key).startsWith("Rename the tag");
				rejected.add(key);
				continue;
			}
			assertThatScrapesLabel(settings, this.convention.tagKey(key));
			accepted.add(key);
		}
		assertThat(rejected).containsExactlyElementsOf(REJECTED);
		assertThat(accepted).containsExactlyElementsOf(ACCEPTED);
	}

	@Test
	void rejectsAnAcceptedKeyBesideAKeyOfAnotherJobThatBecomesTheSameLabel() {
		for (String key : ACCEPTED) {
			String label = this.convention.tagKey(key);
			if (label.equals(key)) {
				continue;
			}
			assertThatExceptionOfType(JobMetricsConfigurationException.class)
				.isThrownBy(() -> JobMeterSettingsFactory.create(properties("export", key, "other", label), null))
				.satisfies((ex) -> {
					assertThat(ex.getSubject()).isEqualTo("job-metrics.jobs.[export].tags.[" + key + "]");
					assertThat(ex.getProblem()).isEqualTo("becomes the Prometheus label '" + label
							+ "', as does the extra tag '" + label
							+ "'; Prometheus rejects a series with the same label twice");
				});
		}
	}

	@Test
	void rejectsAnEmptyValueWithItsOwnFix() {
		assertThatExceptionOfType(JobMetricsConfigurationException.class)
			.isThrownBy(() -> JobMeterSettingsFactory.create(properties("export", "team", "other", null, " "), null))
			.satisfies((ex) -> {
				assertThat(ex.getSubject()).isEqualTo("job-metrics.jobs.[export].tags.[team]");
				assertThat(ex.getProblem()).contains("empty value");
				assertThat(ex.getAction()).isEqualTo("Give the tag a value or remove it");
			});
	}

	@Test
	void settingsBuiltInCodeRejectTheSameKeys() {
		JobMeterSettings settings = JobMeterSettings.defaults().withJobTags("export", java.util.Map.of("team-a", "x"));
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> settings.withJobTags("other", java.util.Map.of("team.a", "y")))
			.withMessageContaining("'team_a', as does the extra tag 'team-a'");
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> JobMeterSettings.defaults().withJobTags("export", java.util.Map.of("le", "fast")))
			.withMessageContaining("histogram buckets");
		assertThat(settings.withJobTags("export", java.util.Map.of("team.a", "y"))).isNotNull();
	}

	private void assertThatScrapesLabel(JobMeterSettings settings, String label) {
		PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
		MicrometerJobTracer tracer = new MicrometerJobTracer(registry, settings);
		tracer.trace("export", null, () -> {
		});
		assertThatIllegalStateException().isThrownBy(() -> tracer.trace("export", "q", () -> {
			throw new IllegalStateException("boom");
		}));
		tracer.trace("other", null, () -> {
		});
		// The tracer logs and swallows a meter that fails to register, so the labels must be seen in the scrape.
		assertThat(registry.scrape()).as(label).contains(label + "=\"v\"").contains(label + "=\"none\"");
		assertThat(registry.scrape("application/openmetrics-text")).as(label)
			.contains(label + "=\"v\"")
			.contains(label + "=\"none\"");
	}

	private static JobMetricsProperties properties(String job, String key, String otherJob, String otherKey) {
		return properties(job, key, otherJob, otherKey, "v");
	}

	private static JobMetricsProperties properties(String job, String key, String otherJob, String otherKey,
			String value) {
		JobMetricsProperties properties = new JobMetricsProperties();
		JobMetricsProperties.Job first = new JobMetricsProperties.Job();
		first.getTags().put(key, value);
		properties.getJobs().put(job, first);
		JobMetricsProperties.Job second = new JobMetricsProperties.Job();
		if (otherKey != null) {
			second.getTags().put(otherKey, "w");
		}
		properties.getJobs().put(otherJob, second);
		return properties;
	}

}
