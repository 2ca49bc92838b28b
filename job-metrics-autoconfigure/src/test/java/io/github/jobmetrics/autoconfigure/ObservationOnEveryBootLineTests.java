package io.github.jobmetrics.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import io.github.jobmetrics.BootMetricsAutoConfigurations;
import io.github.jobmetrics.JobRun;
import io.github.jobmetrics.JobTracer;
import io.github.jobmetrics.micrometer.MicrometerJobTracer;
import io.github.jobmetrics.observation.ObservedJobTracer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.test.simple.SimpleSpan;
import io.micrometer.tracing.test.simple.SimpleTracer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link JobMetricsObservationAutoConfiguration} with the observation, metrics and tracing auto-configuration of
 * whichever Spring Boot line is on the class path, named as that line names them, so that the compat modules prove
 * on Boot 3.5 and 4.0 what {@code JobRunObservationAutoConfigurationTests} proves on 4.1 with OpenTelemetry: no
 * Observation without a tracing bridge (Boot's no-op {@code Tracer} is none), and no meter of the Observation where
 * there is one, with its keys capped.
 */
class ObservationOnEveryBootLineTests {

	private static final String BOOT_4 = "org.springframework.boot.micrometer.";

	private static final String BOOT_3 = "org.springframework.boot.actuate.autoconfigure.";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(BootMetricsAutoConfigurations.with(JobMetricsAutoConfiguration.class,
				JobMetricsObservationAutoConfiguration.class))
		.withConfiguration(line(BOOT_4 + "observation.autoconfigure.ObservationAutoConfiguration",
				BOOT_3 + "observation.ObservationAutoConfiguration"))
		.withConfiguration(line(BOOT_4 + "tracing.autoconfigure.MicrometerTracingAutoConfiguration",
				BOOT_3 + "tracing.MicrometerTracingAutoConfiguration"));

	@Test
	void makesNoObservationWithoutTracingBridge() {
		this.contextRunner.run((context) -> {
			assertThat(context).doesNotHaveBean(ObservedJobTracer.class);
			assertThat(context.getBean(JobTracer.class)).isInstanceOf(MicrometerJobTracer.class);
		});
	}

	@Test
	void makesNoObservationWithBootsNoopTracer() {
		this.contextRunner
			.withConfiguration(line(BOOT_4 + "tracing.autoconfigure.NoopTracerAutoConfiguration",
					BOOT_3 + "tracing.NoopTracerAutoConfiguration"))
			.run((context) -> {
				assertThat(context.getBean(Tracer.class)).isSameAs(Tracer.NOOP);
				assertThat(context).doesNotHaveBean(ObservedJobTracer.class);
			});
	}

	@Test
	void withTracingBridgeMakesOneSpanPerRunWithCappedKeysAndNoMeterOfIt() {
		this.contextRunner.withBean(Tracer.class, SimpleTracer::new)
			.withPropertyValues("job-metrics.max-job-names=1")
			.run((context) -> {
				JobTracer jobTracer = context.getBean(JobTracer.class);
				assertThat(jobTracer).isInstanceOf(ObservedJobTracer.class);
				for (String name : List.of("import-1", "import-2", "import-3")) {
					JobRun run = jobTracer.start(name, null);
					run.close();
				}
				List<SimpleSpan> spans = new ArrayList<>(((SimpleTracer) context.getBean(Tracer.class)).getSpans());
				assertThat(spans).extracting(SimpleSpan::getName).containsExactly("import-1", "other", "other");
				assertThat(spans.get(2).getTags()).containsEntry("job.name", "other")
					.containsEntry("job.requested.name", "import-3");
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.find("job.run").meters()).isEmpty();
				assertThat(registry.find("job.run.active").meters()).isEmpty();
				assertThat(registry.find("job.duration").timers()).hasSize(2);
			});
	}

	// The auto-configuration of this line: Boot 4's module class if present, else Boot 3.5's.
	private static AutoConfigurations line(String boot4, String boot3) {
		ClassLoader classLoader = ObservationOnEveryBootLineTests.class.getClassLoader();
		String name = ClassUtils.isPresent(boot4, classLoader) ? boot4 : boot3;
		return AutoConfigurations.of(ClassUtils.resolveClassName(name, classLoader));
	}

}
