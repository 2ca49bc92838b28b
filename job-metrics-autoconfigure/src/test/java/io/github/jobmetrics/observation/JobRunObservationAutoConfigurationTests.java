package io.github.jobmetrics.observation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.jobmetrics.JobRun;
import io.github.jobmetrics.JobTracer;
import io.github.jobmetrics.TracedJob;
import io.github.jobmetrics.autoconfigure.JobMetricsAutoConfiguration;
import io.github.jobmetrics.autoconfigure.JobMetricsPrometheusAutoConfiguration;
import io.github.jobmetrics.autoconfigure.JobMetricsObservationAutoConfiguration;
import io.github.jobmetrics.micrometer.MicrometerJobTracer;
import io.github.jobmetrics.BootMetricsAutoConfigurations;
import io.micrometer.common.KeyValues;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.test.simple.SimpleSpan;
import io.micrometer.tracing.test.simple.SimpleTracer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.condition.ConditionEvaluationReport;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

import static io.micrometer.tracing.test.simple.SpanAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link JobMetricsObservationAutoConfiguration}, with Spring Boot's own observation, tracing and
 * Prometheus auto-configuration.
 */
class JobRunObservationAutoConfigurationTests {

	// Spring Boot's auto-configuration of the Boot line on the test classpath, by name: Boot 4 has it in its
	// spring-boot-micrometer-* modules, Boot 3.5 in spring-boot-actuator-autoconfigure.
	private static final Class<?> OBSERVATION = BootMetricsAutoConfigurations.either(
			"org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration",
			"org.springframework.boot.actuate.autoconfigure.observation.ObservationAutoConfiguration");

	private static final Class<?> TRACING = BootMetricsAutoConfigurations.either(
			"org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration",
			"org.springframework.boot.actuate.autoconfigure.tracing.MicrometerTracingAutoConfiguration");

	private static final Class<?> EXEMPLARS = BootMetricsAutoConfigurations.either(
			"org.springframework.boot.micrometer.tracing.autoconfigure.prometheus.PrometheusExemplarsAutoConfiguration",
			"org.springframework.boot.actuate.autoconfigure.tracing.prometheus.PrometheusExemplarsAutoConfiguration");

	private static final Class<?> NOOP_TRACER = BootMetricsAutoConfigurations.either(
			"org.springframework.boot.micrometer.tracing.autoconfigure.NoopTracerAutoConfiguration",
			"org.springframework.boot.actuate.autoconfigure.tracing.NoopTracerAutoConfiguration");

	private static final Class<?> SCHEDULED_TASKS_OBSERVATION = BootMetricsAutoConfigurations.either(
			"org.springframework.boot.micrometer.observation.autoconfigure.ScheduledTasksObservationAutoConfiguration",
			"org.springframework.boot.actuate.autoconfigure.scheduling.ScheduledTasksObservabilityAutoConfiguration");

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(BootMetricsAutoConfigurations.withoutExport(OBSERVATION,
				BootMetricsAutoConfigurations.prometheus(), TRACING, EXEMPLARS, JobMetricsAutoConfiguration.class,
				JobMetricsObservationAutoConfiguration.class, JobMetricsPrometheusAutoConfiguration.class))
		.withBean(Tracer.class, SampledTracer::new);

	// An Actuator application as Spring Boot builds it without a tracing bridge: observation, metrics, Prometheus.
	private final ApplicationContextRunner actuatorRunner = new ApplicationContextRunner()
		.withConfiguration(BootMetricsAutoConfigurations.withoutExport(OBSERVATION,
				BootMetricsAutoConfigurations.prometheus(), TRACING, JobMetricsAutoConfiguration.class,
				JobMetricsObservationAutoConfiguration.class, JobMetricsPrometheusAutoConfiguration.class));

	@Test
	void observesEveryRunThroughThePrimaryJobTracer() {
		this.contextRunner.withBean(InvoiceExport.class).run((context) -> {
			assertThat(context).hasSingleBean(ObservedJobTracer.class).hasSingleBean(MicrometerJobTracer.class);
			assertThat(context.getBean(JobTracer.class)).isInstanceOf(ObservedJobTracer.class);
			context.getBean(InvoiceExport.class).export();
			SimpleTracer tracer = (SimpleTracer) context.getBean(Tracer.class);
			assertThat(tracer.onlySpan()).hasNameEqualTo("invoice-export").hasTag("result", "success");
		});
	}

	@Test
	void makesNoMeterOfTheObservationBesideOurs() {
		this.contextRunner.withBean(InvoiceExport.class).run((context) -> {
			context.getBean(InvoiceExport.class).export();
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.find("job.duration").timers()).hasSize(1);
			assertThat(registry.find("job.worked").functionCounters()).hasSize(1);
			assertThat(registry.find("job.run").meters()).isEmpty();
			assertThat(registry.find("job.run.active").meters()).isEmpty();
			String scrape = context.getBean(PrometheusMeterRegistry.class).scrape();
			assertThat(scrape.lines().filter((line) -> line.startsWith("# TYPE job_"))).doesNotHaveDuplicates()
				.contains("# TYPE job_duration_seconds histogram", "# TYPE job_worked_seconds_total counter")
				.noneMatch((line) -> line.startsWith("# TYPE job_run"));
			assertThat(((SimpleTracer) context.getBean(Tracer.class)).onlySpan()).hasNameEqualTo("invoice-export");
		});
	}

	@Test
	void makesNoMeterOfTheObservationWhateverTheNameItsConventionGivesIt() {
		this.contextRunner.withBean(InvoiceExport.class)
			.withBean(JobRunObservationConvention.class, RenamingConvention::new)
			.run((context) -> {
				context.getBean(InvoiceExport.class).export();
				assertThat(((SimpleTracer) context.getBean(Tracer.class)).onlySpan()).hasNameEqualTo("invoice-export");
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.find("billing.run").meters()).isEmpty();
				assertThat(registry.find("billing.run.active").meters()).isEmpty();
				assertThat(context.getBean(PrometheusMeterRegistry.class).scrape()).doesNotContain("billing_run");
			});
	}

	@Test
	void otherObservationsKeepBootsMeters() {
		this.contextRunner.run((context) -> {
			ObservationRegistry observations = context.getBean(ObservationRegistry.class);
			Observation.createNotStarted("report.render", observations).observe(() -> {
			});
			assertThat(context.getBean(MeterRegistry.class).get("report.render").timer().count()).isOne();
		});
	}

	@Test
	void makesNoObservationInAnActuatorApplicationWithoutTracingBridge() {
		this.actuatorRunner.withBean(InvoiceExport.class).run((context) -> {
			assertThat(context).doesNotHaveBean(ObservedJobTracer.class)
				.doesNotHaveBean(JobRunMeterObservationHandler.class);
			assertThat(context.getBean(JobTracer.class)).isInstanceOf(MicrometerJobTracer.class);
			context.getBean(InvoiceExport.class).export();
			String scrape = context.getBean(PrometheusMeterRegistry.class).scrape();
			assertThat(scrape).contains("job_duration_seconds_count{job_name=\"invoice-export\"")
				.doesNotContain("job_run");
			assertThat(conditionMessages(context)).contains("tracing bridge found no Tracer bean");
			assertThat(context.getBean(MicrometerJobTracer.class).countsDurationHistograms()).isTrue();
		});
	}

	@Test
	void makesNoObservationWithSpringBootsNoopTracer() {
		this.actuatorRunner.withConfiguration(AutoConfigurations.of(NOOP_TRACER))
			.run((context) -> {
				assertThat(context).hasSingleBean(Tracer.class).doesNotHaveBean(ObservedJobTracer.class);
				assertThat(conditionMessages(context))
					.contains("tracing bridge found only Spring Boot's no-op Tracer");
				// No span, so no exemplar either: the tracer's own histograms serve Prometheus.
				assertThat(context.getBean(MicrometerJobTracer.class).countsDurationHistograms()).isTrue();
			});
	}

	@Test
	void enabledMakesTheObservationWithoutTracingBridgeAndStillNoMeterOfIt() {
		this.actuatorRunner.withBean(InvoiceExport.class)
			.withPropertyValues("job-metrics.observation.enabled=true")
			.run((context) -> {
				assertThat(context.getBean(JobTracer.class)).isInstanceOf(ObservedJobTracer.class);
				context.getBean(InvoiceExport.class).export();
				assertThat(context.getBean(PrometheusMeterRegistry.class).scrape()).contains("job_duration_seconds")
					.doesNotContain("job_run");
			});
	}

	@ParameterizedTest(name = "tracing bridge: {0}")
	@ValueSource(booleans = { false, true })
	void dynamicJobNamesStayWithinTheCapInEveryFamilyOfTheScrape(boolean tracingBridge) {
		ApplicationContextRunner runner = tracingBridge ? this.contextRunner : this.actuatorRunner;
		runner.withPropertyValues("job-metrics.max-job-names=2").run((context) -> {
			JobTracer jobTracer = context.getBean(JobTracer.class);
			for (int i = 0; i < 100; i++) {
				JobRun run = jobTracer.start("report-" + i, null);
				if (i % 2 == 1) {
					run.failed(new IllegalStateException("report " + i));
				}
				run.close();
			}
			String scrape = context.getBean(PrometheusMeterRegistry.class).scrape();
			Set<String> jobNames = new TreeSet<>();
			Matcher label = Pattern.compile("job_name=\"([^\"]*)\"").matcher(scrape);
			while (label.find()) {
				jobNames.add(label.group(1));
			}
			assertThat(jobNames).as("job_name values in%n%s", scrape).containsExactly("other", "report-0", "report-1");
			if (tracingBridge) {
				List<SimpleSpan> spans = new ArrayList<>(((SimpleTracer) context.getBean(Tracer.class)).getSpans());
				assertThat(spans).hasSize(100);
				assertThat(spans.stream().map(SimpleSpan::getName).distinct())
					.containsExactlyInAnyOrder("report-0", "report-1", "other");
				assertThat(spans.stream().map((span) -> span.getTags().get("job.name")).distinct())
					.containsExactlyInAnyOrder("report-0", "report-1", "other");
				SimpleSpan folded = spans.get(99);
				assertThat(folded).hasNameEqualTo("other")
					.hasTag("job.name", "other")
					.hasTag("result", "failure")
					.hasTag("exception", "IllegalStateException")
					.hasTag("job.requested.name", "report-99");
				assertThat(spans.get(0)).hasTag("exception", "none").doesNotHaveTagWithKey("job.requested.name");
			}
		});
	}

	@Test
	void spanCarriesTheCappedExceptionOfTheRunsMeters() {
		this.contextRunner.withPropertyValues("job-metrics.max-exception-names=1").run((context) -> {
			JobTracer jobTracer = context.getBean(JobTracer.class);
			fail(jobTracer, new IllegalStateException("first"));
			fail(jobTracer, new IllegalArgumentException("second"));
			List<SimpleSpan> spans = new ArrayList<>(((SimpleTracer) context.getBean(Tracer.class)).getSpans());
			assertThat(spans.get(0)).hasTag("exception", "IllegalStateException");
			assertThat(spans.get(1)).hasTag("exception", "other");
			assertThat(context.getBean(MeterRegistry.class)
				.get("job.exceptions")
				.tags("exception", "other")
				.counter()
				.count()).isOne();
		});
	}

	private static void fail(JobTracer jobTracer, RuntimeException failure) {
		JobRun run = jobTracer.start("import", null);
		run.failedWithoutRetry(failure);
		run.close();
	}

	@Test
	void durationBucketOfARunCarriesItsTraceIdAsExemplar() {
		this.contextRunner.withBean(InvoiceExport.class).run((context) -> {
			// With a tracing bridge Micrometer's timer records the histogram, for its exemplars.
			assertThat(context.getBean(MicrometerJobTracer.class).countsDurationHistograms()).isFalse();
			context.getBean(InvoiceExport.class).export();
			SimpleSpan span = ((SimpleTracer) context.getBean(Tracer.class)).onlySpan();
			String scrape = context.getBean(PrometheusMeterRegistry.class).scrape("application/openmetrics-text");
			Matcher exemplar = Pattern
				.compile("job_duration_seconds_bucket\\{job_name=\"invoice-export\",queue=\"none\",le=\"[^\"]+\"} 1 "
						+ "# \\{span_id=\"(\\w+)\",trace_id=\"(\\w+)\"}")
				.matcher(scrape);
			assertThat(exemplar.find()).as("an exemplar on a bucket of job_duration_seconds in%n%s", scrape).isTrue();
			assertThat(exemplar.group(2)).isEqualTo(span.getTraceId());
			assertThat(exemplar.group(1)).isEqualTo(span.getSpanId());
		});
	}

	@Test
	void scheduledRunIsAChildOfTheScheduledTaskObservation() {
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(SCHEDULED_TASKS_OBSERVATION))
			.withUserConfiguration(SchedulingConfiguration.class)
			.withBean("scheduledExport", ScheduledExport.class)
			.run((context) -> {
				SimpleTracer tracer = (SimpleTracer) context.getBean(Tracer.class);
				await().atMost(Duration.ofSeconds(10)).until(() -> tracer.getSpans().size() == 2
						&& tracer.getSpans().stream().allMatch((span) -> span.getEndTimestamp().toEpochMilli() != 0));
				// Spring Framework 7 names it "task scheduledExport.export", 6.2 "task scheduled-export.export".
				SimpleSpan task = tracer.getSpans()
					.stream()
					.filter((span) -> span.getName().startsWith("task ") && span.getName().endsWith(".export"))
					.findFirst()
					.orElseThrow(() -> new AssertionError("no span of the scheduled task in " + tracer.getSpans()));
				assertThat(span(tracer, "nightly-export")).hasParentIdEqualTo(task.getSpanId())
					.hasTag("result", "success");
			});
	}

	@Test
	void conventionBeanNamesTheObservation() {
		this.contextRunner.withBean(InvoiceExport.class)
			.withBean(JobRunObservationConvention.class, TeamConvention::new)
			.run((context) -> {
				context.getBean(InvoiceExport.class).export();
				assertThat(((SimpleTracer) context.getBean(Tracer.class)).onlySpan()).hasTag("team", "billing");
			});
	}

	@Test
	void backsOffWhenDisabledEvenWithTracingBridge() {
		this.contextRunner.withPropertyValues("job-metrics.observation.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(ObservedJobTracer.class);
			assertThat(context.getBean(JobTracer.class)).isInstanceOf(MicrometerJobTracer.class);
		});
	}

	@Test
	void backsOffWithoutObservationRegistry() {
		new ApplicationContextRunner()
			.withConfiguration(BootMetricsAutoConfigurations.withoutExport(BootMetricsAutoConfigurations.prometheus(),
					JobMetricsAutoConfiguration.class, JobMetricsObservationAutoConfiguration.class))
			.run((context) -> {
				assertThat(context).hasSingleBean(JobTracer.class).doesNotHaveBean(ObservedJobTracer.class);
			});
	}

	@Test
	void backsOffWhenTheApplicationDefinesItsJobTracer() {
		this.contextRunner.withBean("myTracer", JobTracer.class, () -> (name, queue) -> io.github.jobmetrics.JobRun.noop())
			.run((context) -> {
				assertThat(context).hasSingleBean(JobTracer.class).doesNotHaveBean(ObservedJobTracer.class);
			});
	}

	// What the condition evaluation report says of the auto-configuration, as --debug prints it.
	private static String conditionMessages(ApplicationContext context) {
		StringBuilder messages = new StringBuilder();
		ConditionEvaluationReport.get(((ConfigurableApplicationContext) context).getBeanFactory())
			.getConditionAndOutcomesBySource()
			.get(JobMetricsObservationAutoConfiguration.class.getName())
			.forEach((conditionAndOutcome) -> messages.append(conditionAndOutcome.getOutcome().getMessage())
				.append('\n'));
		return messages.toString();
	}

	private static SimpleSpan span(SimpleTracer tracer, String name) {
		return tracer.getSpans()
			.stream()
			.filter((span) -> name.equals(span.getName()))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no span " + name + " in " + tracer.getSpans()));
	}

	/**
	 * A tracer whose sampler keeps every span, as {@code management.tracing.sampling.probability=1.0} does with a
	 * real bridge: only sampled spans become exemplars.
	 */
	static class SampledTracer extends SimpleTracer {

		@Override
		public SimpleSpan nextSpan() {
			return sampled(super.nextSpan());
		}

		@Override
		public SimpleSpan nextSpan(Span parent) {
			return sampled(super.nextSpan(parent));
		}

		private static SimpleSpan sampled(SimpleSpan span) {
			span.context().setSampled(true);
			return span;
		}

	}

	static class TeamConvention extends DefaultJobRunObservationConvention {

		@Override
		public KeyValues getLowCardinalityKeyValues(JobRunObservationContext context) {
			return super.getLowCardinalityKeyValues(context).and("team", "billing");
		}

	}

	static class RenamingConvention extends DefaultJobRunObservationConvention {

		@Override
		public String getName() {
			return "billing.run";
		}

	}

	static class InvoiceExport {

		@TracedJob("invoice-export")
		public void export() {
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableScheduling
	static class SchedulingConfiguration {

	}

	static class ScheduledExport {

		@Scheduled(fixedDelay = 1, timeUnit = java.util.concurrent.TimeUnit.HOURS)
		@TracedJob("nightly-export")
		public void export() {
		}

	}

}
