package io.github.jobmetrics.benchmarks;

import java.util.concurrent.TimeUnit;

import io.github.jobmetrics.JobRun;
import io.github.jobmetrics.JobTracer;
import io.github.jobmetrics.micrometer.JobMeterSettings;
import io.github.jobmetrics.micrometer.MicrometerJobTracer;
import io.github.jobmetrics.observation.ObservedJobTracer;
import io.github.jobmetrics.prometheus.StripedDurationHistograms;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * What a run costs on the path users get: the {@link JobTracer} and the {@code @TracedJob} proxy as a Spring Boot
 * application with Actuator and the Prometheus registry builds them, beside the bare {@link MicrometerJobTracer}
 * that {@link PerRunOverheadBenchmark} measures, and beside a plain {@code @Observed} method in the same context.
 * <p>
 * Two contexts, each started once per fork from the auto-configuration on the class path (observation, metrics,
 * Prometheus, AOP, job-metrics), with the default configuration but for what each case says:
 * <ol>
 * <li>{@code defaultPath}: an Actuator application without tracing: Boot's tracing auto-configurations are
 * excluded, as if micrometer-tracing were not on the class path; the job's runs make no Observation, and the
 * tracer counts {@code job_duration_seconds} itself in place of Micrometer's timer on the Prometheus registry (the
 * striped histograms);</li>
 * <li>{@code tracingPath}: the same with the OpenTelemetry bridge, every span sampled
 * ({@code management.tracing.sampling.probability=1.0}) and handed to the batch span processor Boot configures, here
 * without an exporter (on a loaded machine its worker falls behind and drops spans, which it logs): each run is also
 * an Observation and a span, and its duration bucket carries an exemplar.</li>
 * </ol>
 * {@code @Observed} goes through Boot's {@code ObservedAspect} ({@code management.observations.annotations.enabled})
 * and Boot's meter handler, a timer and a long task timer per call; with the bridge, also a span. Every context's
 * registry is Prometheus alone. The setup fails if a context did not build the tracer its case names, so that a
 * case never measures another path.
 * <p>
 * States are shared by all benchmark threads, as in {@link PerRunOverheadBenchmark}: with {@code -t 4}, every
 * thread runs the same job.
 *
 * @since 0.3.0
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DefaultPathBenchmark {

	@Benchmark
	public int bareJobTracer(Bare state) {
		return traced(state.tracer, state.job);
	}

	@Benchmark
	public int stripedJobTracer(Striped state) {
		return traced(state.tracer, state.job);
	}

	@Benchmark
	public int stripedJobTracerOfItsOwn(StripedOfItsOwn state) {
		return traced(state.tracer, state.job);
	}

	@Benchmark
	public int defaultPathJobTracer(DefaultPath state) {
		return traced(state.tracer, state.job);
	}

	@Benchmark
	public int defaultPathTracedJobProxy(DefaultPath state) {
		return state.proxy.run();
	}

	@Benchmark
	public int defaultPathObserved(DefaultPath state) {
		return state.observed.run();
	}

	@Benchmark
	public int tracingPathJobTracer(TracingPath state) {
		return traced(state.tracer, state.job);
	}

	@Benchmark
	public int tracingPathTracedJobProxy(TracingPath state) {
		return state.proxy.run();
	}

	@Benchmark
	public int tracingPathObserved(TracingPath state) {
		return state.observed.run();
	}

	// The same call in every JobTracer case, as PerRunOverheadBenchmark.jobTracer makes it; inlined by the JIT.
	private static int traced(JobTracer tracer, ReportJob job) {
		try (JobRun run = tracer.start("report", null)) {
			return job.run();
		}
	}

	/**
	 * The bare tracer with the default settings over a Prometheus registry of its own, its job registered ahead.
	 */
	@State(Scope.Benchmark)
	public static class Bare extends PerRunOverheadBenchmark.Instrumented {

		JobTracer tracer;

		@Setup
		public void buildTracer() {
			this.tracer = new MicrometerJobTracer(this.registry);
			this.tracer.register("report", null);
		}

	}

	/**
	 * The tracer as the default path builds it (its stripes count the duration histogram), without a Spring
	 * context, shared by all benchmark threads like the others.
	 */
	@State(Scope.Benchmark)
	public static class Striped extends PerRunOverheadBenchmark.Instrumented {

		JobTracer tracer;

		@Setup
		public void buildTracer() {
			this.tracer = tracer(this.registry);
			this.tracer.register("report", null);
		}

		/**
		 * The tracer and registry as {@code JobMetricsPrometheusAutoConfiguration} sets them up on the default path:
		 * the tracer counts the duration histograms, and a collector on the registry writes them in place of
		 * Micrometer's timer, which a filter keeps off it.
		 */
		static MicrometerJobTracer tracer(PrometheusMeterRegistry registry) {
			MicrometerJobTracer[] built = new MicrometerJobTracer[1];
			StripedDurationHistograms histograms = new StripedDurationHistograms(() -> built[0],
					() -> registry.config().namingConvention(), true);
			registry.config().meterFilter(histograms.keepTimerOff());
			registry.getPrometheusRegistry().register(histograms);
			built[0] = new MicrometerJobTracer(registry, JobMeterSettings.defaults().withStripedDurationHistograms(true));
			return built[0];
		}

	}

	/**
	 * {@link Striped}, one tracer and registry per benchmark thread: with {@code -t 2} or more, what it costs when
	 * its threads share nothing, so that what sharing one job costs can be told apart from what the machine does to
	 * any code at that many threads.
	 */
	@State(Scope.Thread)
	public static class StripedOfItsOwn extends Striped {

	}

	/**
	 * A Spring Boot application context, started with the trial and closed after it.
	 */
	public abstract static class BootApplication {

		final ReportJob job = new ReportJob();

		ConfigurableApplicationContext context;

		JobTracer tracer;

		BootReportJob proxy;

		ObservedReportJob observed;

		@Setup
		public void startContext() {
			this.context = start(null);
			this.tracer = this.context.getBean(JobTracer.class);
			this.proxy = this.context.getBean(BootReportJob.class);
			this.observed = this.context.getBean(ObservedReportJob.class);
			check(this.context.getBean(MeterRegistry.class) instanceof PrometheusMeterRegistry,
					"the registry is " + this.context.getBean(MeterRegistry.class));
			check(this.tracer.getClass() == expectedTracer(), "the JobTracer is " + this.tracer);
			check(this.context.getBean(MicrometerJobTracer.class).countsDurationHistograms() == stripedHistograms(),
					"the tracer counts the duration histograms: " + !stripedHistograms());
		}

		@TearDown
		public void closeContext() {
			this.context.close();
		}

		/**
		 * Starts the application, with the given Micrometer {@code Clock} in place of Boot's if one is given.
		 */
		ConfigurableApplicationContext start(@Nullable Clock clock) {
			SpringApplicationBuilder application = new SpringApplicationBuilder(Application.class)
				.web(WebApplicationType.NONE)
				.properties("spring.main.banner-mode=off", "logging.level.root=WARN",
						"management.observations.annotations.enabled=true")
				.properties(properties());
			if (clock != null) {
				application.initializers((context) -> context.getBeanFactory().registerSingleton("micrometerClock",
						clock));
			}
			return application.run();
		}

		abstract String[] properties();

		abstract Class<? extends JobTracer> expectedTracer();

		// Without a tracing bridge the tracer counts job_duration_seconds itself; with one, Micrometer's timer
		// does, for its exemplars.
		abstract boolean stripedHistograms();

		private static void check(boolean condition, String what) {
			if (!condition) {
				throw new IllegalStateException("This case does not measure the path it names: " + what);
			}
		}

	}

	/**
	 * An Actuator application without a tracing bridge.
	 */
	@State(Scope.Benchmark)
	public static class DefaultPath extends BootApplication {

		// Boot's tracing auto-configuration off, as in an application without micrometer-tracing: with it and no
		// bridge, Boot would define its no-op Tracer (which makes no Observation of the runs either) and an exemplar
		// sampler on the Prometheus registry, a cost of Boot's that is not the starter's.
		@Override
		String[] properties() {
			String tracing = "org.springframework.boot.micrometer.tracing.";
			return new String[] { "spring.autoconfigure.exclude=" + String.join(",",
					tracing + "opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration",
					tracing + "autoconfigure.MicrometerTracingAutoConfiguration",
					tracing + "autoconfigure.NoopTracerAutoConfiguration",
					tracing + "autoconfigure.prometheus.PrometheusExemplarsAutoConfiguration",
					tracing + "autoconfigure.otlp.OtlpExemplarsAutoConfiguration") };
		}

		@Override
		Class<? extends JobTracer> expectedTracer() {
			return MicrometerJobTracer.class;
		}

		@Override
		boolean stripedHistograms() {
			return true;
		}

	}

	/**
	 * The same application with the OpenTelemetry bridge, every span sampled.
	 */
	@State(Scope.Benchmark)
	public static class TracingPath extends BootApplication {

		@Override
		String[] properties() {
			return new String[] { "management.tracing.sampling.probability=1.0" };
		}

		@Override
		Class<? extends JobTracer> expectedTracer() {
			return ObservedJobTracer.class;
		}

		@Override
		boolean stripedHistograms() {
			return false;
		}

	}

	/**
	 * The application: Boot's auto-configuration and the two jobs.
	 */
	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Application {

		@Bean
		BootReportJob bootReportJob() {
			return new BootReportJob();
		}

		@Bean
		ObservedReportJob observedReportJob() {
			return new ObservedReportJob();
		}

	}

}
