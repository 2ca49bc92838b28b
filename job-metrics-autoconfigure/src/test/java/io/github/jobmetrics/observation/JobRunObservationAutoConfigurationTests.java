package io.github.jobmetrics.observation;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.jobmetrics.JobTracer;
import io.github.jobmetrics.TracedJob;
import io.github.jobmetrics.autoconfigure.JobMetricsAutoConfiguration;
import io.github.jobmetrics.autoconfigure.JobMetricsObservationAutoConfiguration;
import io.github.jobmetrics.micrometer.MicrometerJobTracer;
import io.micrometer.common.KeyValues;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.test.simple.SimpleSpan;
import io.micrometer.tracing.test.simple.SimpleTracer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ScheduledTasksObservationAutoConfiguration;
import org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration;
import org.springframework.boot.micrometer.tracing.autoconfigure.prometheus.PrometheusExemplarsAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
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

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class, MetricsAutoConfiguration.class,
				CompositeMeterRegistryAutoConfiguration.class, PrometheusMetricsExportAutoConfiguration.class,
				MicrometerTracingAutoConfiguration.class, PrometheusExemplarsAutoConfiguration.class,
				JobMetricsAutoConfiguration.class, JobMetricsObservationAutoConfiguration.class))
		.withBean(Tracer.class, SampledTracer::new);

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
	void ourMetersStayOursBesideTheTimerOfTheObservation() {
		this.contextRunner.withBean(InvoiceExport.class).run((context) -> {
			context.getBean(InvoiceExport.class).export();
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.find("job.duration").timers()).hasSize(1);
			assertThat(registry.find("job.worked").functionCounters()).hasSize(1);
			assertThat(registry.get("job.run")
				.tags("job.name", "invoice-export", "queue", "none", "result", "success", "error", "none")
				.timer()
				.count()).isOne();
			assertThat(registry.get("job.run.active").longTaskTimer().activeTasks()).isZero();
			String scrape = context.getBean(PrometheusMeterRegistry.class).scrape();
			assertThat(scrape.lines().filter((line) -> line.startsWith("# TYPE job_"))).doesNotHaveDuplicates()
				.contains("# TYPE job_duration_seconds histogram", "# TYPE job_run_seconds summary",
						"# TYPE job_worked_seconds_total counter");
		});
	}

	@Test
	void bootsMeterSwitchDropsTheObservationTimersAndKeepsTheSpan() {
		this.contextRunner.withBean(InvoiceExport.class)
			.withPropertyValues("management.metrics.enable.job.run=false")
			.run((context) -> {
				context.getBean(InvoiceExport.class).export();
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.find("job.run").meters()).isEmpty();
				assertThat(registry.find("job.run.active").meters()).isEmpty();
				assertThat(registry.get("job.duration").timer().count()).isOne();
				assertThat(((SimpleTracer) context.getBean(Tracer.class)).onlySpan()).hasNameEqualTo("invoice-export");
			});
	}

	@Test
	void durationBucketOfARunCarriesItsTraceIdAsExemplar() {
		this.contextRunner.withBean(InvoiceExport.class).run((context) -> {
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
			.withConfiguration(AutoConfigurations.of(ScheduledTasksObservationAutoConfiguration.class))
			.withUserConfiguration(SchedulingConfiguration.class)
			.withBean("scheduledExport", ScheduledExport.class)
			.run((context) -> {
				SimpleTracer tracer = (SimpleTracer) context.getBean(Tracer.class);
				await().atMost(Duration.ofSeconds(10)).until(() -> tracer.getSpans().size() == 2
						&& tracer.getSpans().stream().allMatch((span) -> span.getEndTimestamp().toEpochMilli() != 0));
				SimpleSpan task = span(tracer, "task scheduledExport.export");
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
	void backsOffWhenDisabled() {
		this.contextRunner.withPropertyValues("job-metrics.observation.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(ObservedJobTracer.class);
			assertThat(context.getBean(JobTracer.class)).isInstanceOf(MicrometerJobTracer.class);
		});
	}

	@Test
	void backsOffWithoutObservationRegistry() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
					CompositeMeterRegistryAutoConfiguration.class, PrometheusMetricsExportAutoConfiguration.class,
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
