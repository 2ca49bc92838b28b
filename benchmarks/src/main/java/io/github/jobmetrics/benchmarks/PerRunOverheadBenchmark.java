package io.github.jobmetrics.benchmarks;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.jobmetrics.JobRun;
import io.github.jobmetrics.JobTracer;
import io.github.jobmetrics.aop.TracedJobAdvisor;
import io.github.jobmetrics.micrometer.JobMeterSettings;
import io.github.jobmetrics.micrometer.MicrometerJobTracer;
import io.micrometer.core.aop.TimedAspect;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import org.springframework.aop.aspectj.annotation.AspectJProxyFactory;
import org.springframework.aop.framework.ProxyFactory;

/**
 * What tracing one run of a job costs the thread that runs it, against the ways a user would otherwise
 * instrument it with Micrometer. The job body is empty, so each case measures only its instrumentation:
 * the worst case, as real jobs take far longer than any of it.
 * <p>
 * Cases, each with its own {@link PrometheusMeterRegistry} (the registry users scrape), and each with and
 * without the starter's 20 histogram buckets ({@code buckets}):
 * <ol>
 * <li>{@code baseline}: a plain call, no instrumentation;</li>
 * <li>{@code rawMicrometer}: pre-built {@code Timer} and {@code Counter}, two clock reads around the call: the
 * least any hand-written timing can cost; {@code buckets=20}: the timer has the starter's buckets as SLOs,
 * {@code 0}: none;</li>
 * <li>{@code springAopFloor}: a CGLIB proxy whose one interceptor only proceeds, the floor of every case built on
 * Spring AOP;</li>
 * <li>{@code timedAspect}: {@code @Timed} through Micrometer's {@code TimedAspect} on a CGLIB proxy;
 * {@code buckets=20}: {@code @Timed} lists the same 20 buckets, {@code 0}: plain {@code @Timed};</li>
 * <li>{@code jobTracer}: the {@link JobTracer} API with try-with-resources; {@code buckets=20}: the defaults,
 * {@code 1}: one bucket, the fewest {@code job_duration_seconds} can have;</li>
 * <li>{@code tracedJobProxy}: {@code @TracedJob} through {@link TracedJobAdvisor} on a CGLIB proxy, as Spring
 * Boot builds it; buckets as for {@code jobTracer}.</li>
 * </ol>
 * States are shared by all benchmark threads, as one bean and one registry are shared by a pool of workers:
 * with {@code -t 2} or {@code -t 4}, every thread runs the same job at once, the contended case.
 *
 * @since 0.1.0
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PerRunOverheadBenchmark {

	private static final Duration[] BUCKETS = JobMeterSettings.DEFAULT_BUCKETS.toArray(Duration[]::new);

	@Benchmark
	public int baseline(Plain state) {
		return state.job.run();
	}

	@Benchmark
	public int rawMicrometer(RawMicrometer state) {
		long start = state.clock.monotonicTime();
		try {
			return state.job.run();
		}
		finally {
			state.timer.record(state.clock.monotonicTime() - start, TimeUnit.NANOSECONDS);
			state.counter.increment();
		}
	}

	@Benchmark
	public int springAopFloor(SpringAopFloor state) {
		return state.proxy.run();
	}

	@Benchmark
	public int timedAspect(TimedAspectProxy state) {
		return state.proxy.run();
	}

	@Benchmark
	public int jobTracer(JobTracerApi state) {
		try (JobRun run = state.tracer.start("report", null)) {
			return state.job.run();
		}
	}

	@Benchmark
	public int tracedJobProxy(TracedJobProxy state) {
		return state.proxy.run();
	}

	/**
	 * The bare job.
	 */
	@State(Scope.Benchmark)
	public static class Plain {

		final ReportJob job = new ReportJob();

	}

	/**
	 * The job and a Prometheus registry of its own, closed after the trial.
	 */
	public abstract static class Instrumented {

		final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

		final ReportJob job = new ReportJob();

		@TearDown
		public void closeRegistry() {
			this.registry.close();
		}

	}

	/**
	 * A timer and a counter built once, as a careful user would hold them in fields.
	 */
	@State(Scope.Benchmark)
	public static class RawMicrometer extends Instrumented {

		@Param({ "20", "0" })
		int buckets;

		Clock clock;

		Timer timer;

		Counter counter;

		@Setup
		public void buildMeters() {
			this.clock = this.registry.config().clock();
			Timer.Builder timer = Timer.builder("report.duration");
			if (this.buckets > 0) {
				timer.serviceLevelObjectives(BUCKETS);
			}
			this.timer = timer.register(this.registry);
			this.counter = Counter.builder("report.executions").register(this.registry);
		}

	}

	/**
	 * The job behind a CGLIB proxy whose one interceptor only proceeds: what any Spring AOP instrumentation of a
	 * method pays before it measures anything.
	 */
	@State(Scope.Benchmark)
	public static class SpringAopFloor {

		ReportJob proxy;

		@Setup
		public void buildProxy() {
			ProxyFactory factory = new ProxyFactory(new ReportJob());
			factory.setProxyTargetClass(true);
			factory.addAdvice((MethodInterceptor) MethodInvocation::proceed);
			this.proxy = (ReportJob) factory.getProxy();
		}

	}

	/**
	 * The job behind a CGLIB proxy with Micrometer's {@code TimedAspect}.
	 */
	@State(Scope.Benchmark)
	public static class TimedAspectProxy extends Instrumented {

		@Param({ "20", "0" })
		int buckets;

		ReportJob proxy;

		@Setup
		public void buildProxy() {
			AspectJProxyFactory factory = new AspectJProxyFactory(
					(this.buckets > 0) ? this.job : new PlainTimedReportJob());
			factory.setProxyTargetClass(true);
			factory.addAspect(new TimedAspect(this.registry));
			this.proxy = factory.getProxy();
		}

	}

	/**
	 * A tracer whose job is registered ahead, as {@code TracedJobRegistrar} does at start-up.
	 */
	@State(Scope.Benchmark)
	public static class JobTracerApi extends Instrumented {

		@Param({ "20", "1" })
		int buckets;

		JobTracer tracer;

		@Setup
		public void buildTracer() {
			this.tracer = new MicrometerJobTracer(this.registry, settings(this.buckets));
			this.tracer.register("report", null);
		}

	}

	/**
	 * The job behind a CGLIB proxy with only the {@code @TracedJob} advisor.
	 */
	@State(Scope.Benchmark)
	public static class TracedJobProxy extends Instrumented {

		@Param({ "20", "1" })
		int buckets;

		ReportJob proxy;

		@Setup
		public void buildProxy() {
			JobTracer tracer = new MicrometerJobTracer(this.registry, settings(this.buckets));
			tracer.register("report", null);
			ProxyFactory factory = new ProxyFactory(this.job);
			factory.setProxyTargetClass(true);
			factory.addAdvisor(new TracedJobAdvisor(() -> tracer));
			this.proxy = (ReportJob) factory.getProxy();
		}

	}

	static JobMeterSettings settings(int buckets) {
		JobMeterSettings defaults = JobMeterSettings.defaults();
		return (buckets == BUCKETS.length) ? defaults : defaults.withDefaultBuckets(List.of(Duration.ofSeconds(1)));
	}

}
