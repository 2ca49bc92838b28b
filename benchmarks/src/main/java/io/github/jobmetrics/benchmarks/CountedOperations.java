package io.github.jobmetrics.benchmarks;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

import io.github.jobmetrics.JobRun;
import io.github.jobmetrics.JobTracer;
import io.github.jobmetrics.micrometer.JobMeterSettings;
import io.github.jobmetrics.micrometer.MicrometerJobTracer;
import io.micrometer.core.aop.TimedAspect;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import org.springframework.aop.aspectj.annotation.AspectJProxyFactory;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What the cases of the per-run limits do per call, counted rather than timed, so that the figures are the same
 * on any machine and at any load: the reads of Micrometer's {@link Clock} (its monotonic time, and its wall time,
 * which Micrometer's own maximum and histogram rotation read on every record). Each case runs on a counting clock:
 * raw {@code Timer.record} + {@code Counter.increment} with the 20 buckets, plain {@code @Timed}, and the default
 * path's {@code JobTracer} and {@code @TracedJob} proxy in a Spring Boot application whose Micrometer clock is the
 * counting one. Not a JMH benchmark: a count needs no statistics. {@code benchmarks/run.sh} appends its table to
 * the report.
 *
 * @since 0.3.0
 */
public final class CountedOperations {

	private static final int WARM_UP = 20_000;

	private static final int CALLS = 100_000;

	private CountedOperations() {
	}

	public static void main(String[] args) {
		System.out.println("| Case | monotonic clock reads per call | wall clock reads per call |");
		System.out.println("|---|---:|---:|");
		CountingClock clock = new CountingClock();
		rawMicrometer(clock);
		plainTimed(clock);
		defaultPath(clock);
	}

	private static void rawMicrometer(CountingClock clock) {
		PrometheusMeterRegistry registry = registry(clock);
		Timer timer = Timer.builder("report.duration")
			.serviceLevelObjectives(JobMeterSettings.DEFAULT_BUCKETS.toArray(Duration[]::new))
			.register(registry);
		Counter counter = Counter.builder("report.executions").register(registry);
		ReportJob job = new ReportJob();
		// As PerRunOverheadBenchmark.rawMicrometer makes the call.
		print("raw `Timer.record` + `Counter.increment`, the same 20 buckets", clock, () -> {
			long start = clock.monotonicTime();
			try {
				return job.run();
			}
			finally {
				timer.record(clock.monotonicTime() - start, TimeUnit.NANOSECONDS);
				counter.increment();
			}
		});
		registry.close();
	}

	private static void plainTimed(CountingClock clock) {
		PrometheusMeterRegistry registry = registry(clock);
		AspectJProxyFactory factory = new AspectJProxyFactory(new PlainTimedReportJob());
		factory.setProxyTargetClass(true);
		factory.addAspect(new TimedAspect(registry));
		ReportJob timed = factory.getProxy();
		print("plain `@Timed` through `TimedAspect`", clock, timed::run);
		registry.close();
	}

	private static void defaultPath(CountingClock clock) {
		try (ConfigurableApplicationContext context = new DefaultPathBenchmark.DefaultPath().start(clock)) {
			if (!context.getBean(MicrometerJobTracer.class).countsDurationHistograms()) {
				throw new IllegalStateException("This is not the default path: the tracer keeps Micrometer's timer");
			}
			JobTracer tracer = context.getBean(JobTracer.class);
			ReportJob job = new ReportJob();
			print("default path: the application's `JobTracer`", clock, () -> {
				try (JobRun run = tracer.start("report", null)) {
					return job.run();
				}
			});
			BootReportJob proxy = context.getBean(BootReportJob.class);
			print("default path: a `@TracedJob` proxy", clock, proxy::run);
		}
	}

	private static PrometheusMeterRegistry registry(Clock clock) {
		return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, new PrometheusRegistry(), clock);
	}

	private static void print(String name, CountingClock clock, IntSupplier call) {
		for (int i = 0; i < WARM_UP; i++) {
			call.getAsInt();
		}
		long monotonic = clock.monotonic.sum();
		long wall = clock.wall.sum();
		for (int i = 0; i < CALLS; i++) {
			call.getAsInt();
		}
		System.out.printf(Locale.ROOT, "| %s | %.4f | %.4f |%n", name,
				(clock.monotonic.sum() - monotonic) / (double) CALLS, (clock.wall.sum() - wall) / (double) CALLS);
	}

	/**
	 * The system clock, counting its reads; adders, since a registry may read it from other threads too.
	 */
	static final class CountingClock implements Clock {

		final LongAdder monotonic = new LongAdder();

		final LongAdder wall = new LongAdder();

		@Override
		public long wallTime() {
			this.wall.increment();
			return Clock.SYSTEM.wallTime();
		}

		@Override
		public long monotonicTime() {
			this.monotonic.increment();
			return Clock.SYSTEM.monotonicTime();
		}

	}

}
