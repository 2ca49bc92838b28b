package io.github.jobmetrics.aop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.jobmetrics.JobRun;
import io.github.jobmetrics.JobTracer;
import io.github.jobmetrics.TracedJob;
import io.github.jobmetrics.autoconfigure.JobMetricsAutoConfiguration;
import io.github.jobmetrics.micrometer.JobMeterSettings;
import io.github.jobmetrics.micrometer.MicrometerJobTracer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.core.tck.MeterRegistryAssert;
import org.junit.jupiter.api.Test;

import org.springframework.aop.framework.ProxyFactory;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.resilience.annotation.EnableResilientMethods;
import org.springframework.resilience.annotation.Retryable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link TracedJobAdvisor}, through a {@link ProxyFactory} and without a Spring context except
 * where Spring Framework's own {@code @Retryable} advice takes part.
 */
class TracedJobAdvisorTests {

	private final MockClock clock = new MockClock();

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry(SimpleConfig.DEFAULT, this.clock);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JobMetricsAutoConfiguration.class))
		.withBean(SimpleMeterRegistry.class)
		.withUserConfiguration(ResilientMethodsConfiguration.class);

	@Test
	void tracesAnAnnotatedMethodAsOneRunOfItsJob() {
		InvoiceExport export = proxy(new InvoiceExport(this.clock));
		export.export();
		MeterRegistryAssert.assertThat(this.registry)
			.hasMeterWithNameAndTags("job.executions",
					Tags.of("job.name", "invoice-export", "queue", "none", "result", "success"))
			.hasTimerWithNameAndTags("job.duration", Tags.of("job.name", "invoice-export", "queue", "none"));
		assertThat(executions("invoice-export", "success", "none")).isOne();
		Timer duration = this.registry.get("job.duration").tag("job.name", "invoice-export").timer();
		assertThat(duration.totalTime(TimeUnit.SECONDS)).isEqualTo(3.0);
		assertThat(this.registry.get("job.worked").tag("job.name", "invoice-export").functionCounter().count())
			.isEqualTo(3.0);
	}

	@Test
	void leavesMethodsWithoutTheAnnotationUntraced() {
		InvoiceExport export = proxy(new InvoiceExport(this.clock));
		export.describe();
		// Only the tracer's own overflow counters, built with it.
		assertThat(this.registry.getMeters())
			.allSatisfy((meter) -> assertThat(meter.getId().getName()).isEqualTo("job.metrics.label.overflow"));
	}

	@Test
	void takesTheJobNameFromValueOrName() {
		AliasedJobs jobs = proxy(new AliasedJobs());
		jobs.byValue();
		jobs.byName();
		assertThat(executions("named-by-value", "success", "none")).isOne();
		assertThat(executions("named-by-name", "success", "none")).isOne();
	}

	@Test
	void namesAJobWithoutANameAfterTheSimpleClassNameAndMethodName() {
		UnnamedJob job = proxy(new UnnamedJob());
		job.rebuildIndex();
		assertThat(executions("UnnamedJob.rebuildIndex", "success", "none")).isOne();
	}

	@Test
	void labelsRunsWithTheQueueOfTheAnnotation() {
		QueuedJob job = proxy(new QueuedJob());
		job.handle();
		MeterRegistryAssert.assertThat(this.registry)
			.hasMeterWithNameAndTags("job.worked", Tags.of("job.name", "order-handler", "queue", "orders"))
			.doesNotHaveMeterWithNameAndTags("job.worked", Tags.of("job.name", "order-handler", "queue", "none"));
		assertThat(this.registry.get("job.executions")
			.tags("job.name", "order-handler", "queue", "orders", "result", "success")
			.functionCounter()
			.count()).isOne();
	}

	@Test
	void tracesPublicMethodsOnlyWhenTheClassIsAnnotated() {
		ClassLevelJobs jobs = proxy(new ClassLevelJobs());
		jobs.close();
		jobs.reconcile();
		jobs.helper();
		jobs.packagePrivateHelper();
		assertThat(executions("ClassLevelJobs.close", "success", "none")).isOne();
		assertThat(executions("ClassLevelJobs.reconcile", "success", "none")).isOne();
		assertThat(this.registry.get("job.executions").functionCounters())
			.extracting((counter) -> counter.getId().getTag("job.name"))
			.containsOnly("ClassLevelJobs.close", "ClassLevelJobs.reconcile");
	}

	@Test
	void prefersTheMethodAnnotationToTheClassAnnotation() {
		ClassLevelJobs jobs = proxy(new ClassLevelJobs());
		jobs.archive();
		assertThat(executions("ledger-archive", "success", "none")).isOne();
		MeterRegistryAssert.assertThat(this.registry)
			.doesNotHaveMeterWithNameAndTags("job.executions", Tags.of("job.name", "ClassLevelJobs.archive"));
	}

	@Test
	void returnsTheResultOfTheMethodUnchanged() {
		Object result = new Object();
		ResultJob job = proxy(new ResultJob(result));
		assertThat(job.call()).isSameAs(result);
	}

	@Test
	void rethrowsTheExceptionOfTheMethodUnchanged() {
		IllegalStateException failure = new IllegalStateException("boom");
		FailingJob job = proxy(new FailingJob(failure));
		assertThatIllegalStateException().isThrownBy(job::runUnchecked)
			.isSameAs(failure)
			.satisfies((ex) -> assertThat(ex.getSuppressed()).isEmpty());
		assertThat(executions("failing-job", "failure", "IllegalStateException")).isOne();
		assertThat(executions("failing-job", "success", "none")).isZero();
	}

	@Test
	void countsACheckedExceptionAsAFailureNamedBySimpleClassName() {
		IOException failure = new IOException("disk full");
		FailingJob job = proxy(new FailingJob(failure));
		assertThatExceptionOfType(IOException.class).isThrownBy(job::runChecked).isSameAs(failure);
		assertThat(executions("failing-job", "failure", "IOException")).isOne();
	}

	@Test
	void countsAnErrorAsAFailure() {
		CorruptStateError failure = new CorruptStateError();
		FailingJob job = proxy(new FailingJob(failure));
		assertThatExceptionOfType(CorruptStateError.class).isThrownBy(job::runUnchecked).isSameAs(failure);
		assertThat(executions("failing-job", "failure", "CorruptStateError")).isOne();
	}

	@Test
	void countsAConfiguredRetryExceptionAsRetry() {
		JobMeterSettings settings = JobMeterSettings.defaults()
			.withRetryExceptions(List.of(TransientException.class));
		FailingJob job = proxy(new FailingJob(new TransientException()),
				new MicrometerJobTracer(this.registry, settings));
		assertThatExceptionOfType(TransientException.class).isThrownBy(job::runUnchecked);
		assertThat(executions("failing-job", "retry", "TransientException")).isOne();
		MeterRegistryAssert.assertThat(this.registry)
			.doesNotHaveMeterWithNameAndTags("job.exceptions", Tags.of("result", "failure"));
	}

	@Test
	void countsASubclassOfAConfiguredRetryExceptionAsRetry() {
		JobMeterSettings settings = JobMeterSettings.defaults()
			.withRetryExceptions(List.of(TransientException.class));
		FailingJob job = proxy(new FailingJob(new ConnectionResetException()),
				new MicrometerJobTracer(this.registry, settings));
		assertThatExceptionOfType(ConnectionResetException.class).isThrownBy(job::runUnchecked);
		assertThat(executions("failing-job", "retry", "ConnectionResetException")).isOne();
	}

	@Test
	void tracesAnInterfaceProxyWhenTheAnnotationIsOnTheImplementation() {
		ProxyFactory factory = new ProxyFactory(new NightlyExport());
		factory.addAdvisor(new TracedJobAdvisor(() -> new MicrometerJobTracer(this.registry)));
		Job job = (Job) factory.getProxy();
		assertThat(AopUtils.isJdkDynamicProxy(job)).isTrue();
		job.run();
		assertThat(executions("NightlyExport.run", "success", "none")).isOne();
	}

	@Test
	void namesTheJobsOfTwoImplementationsOfOneInterfaceMethodApart() {
		TracedJobAdvisor advisor = new TracedJobAdvisor(() -> new MicrometerJobTracer(this.registry));
		Job nightly = jdkProxy(new NightlyExport(), advisor);
		Job hourly = jdkProxy(new HourlySync(), advisor);
		nightly.run();
		hourly.run();
		hourly.run();
		assertThat(executions("NightlyExport.run", "success", "none")).isOne();
		assertThat(executions("HourlySync.run", "success", "none")).isEqualTo(2);
	}

	@Test
	void countsARunOfATracedMethodCalledFromAnotherAsARunThatAddsNoWorkedTime() {
		TracedJobAdvisor advisor = new TracedJobAdvisor(() -> new MicrometerJobTracer(this.registry));
		InvoiceExport inner = proxy(new InvoiceExport(this.clock), advisor);
		Reconciliation outer = proxy(new Reconciliation(this.clock, inner), advisor);
		outer.reconcile();
		outer.reconcile();
		inner.export();
		assertThat(executions("reconciliation", "success", "none")).isEqualTo(2);
		assertThat(executions("invoice-export", "success", "none")).isEqualTo(3);
		// Each reconciliation: 1 s of its own and 3 s of the export it calls, one thread all along.
		assertThat(worked("reconciliation")).isEqualTo(8.0);
		// Only the export called on its own counts its thread.
		assertThat(worked("invoice-export")).isEqualTo(3.0);
	}

	@Test
	void countsEveryRunOfATracedMethodWhoseNameIsPastTheCapInTheOverflowCounter() {
		MicrometerJobTracer tracer = new MicrometerJobTracer(this.registry,
				JobMeterSettings.defaults().withMaxJobNames(1));
		tracer.register("first-job", null);
		InvoiceExport export = proxy(new InvoiceExport(this.clock), tracer);
		export.export();
		export.export();
		export.export();
		assertThat(executions("other", "success", "none")).isEqualTo(3);
		assertThat(executions("invoice-export", "success", "none")).isZero();
		assertThat(this.registry.get("job.metrics.label.overflow").tag("label", "job_name").counter().count())
			.isEqualTo(3);
		assertThat(worked("other")).isEqualTo(9.0);
	}

	@Test
	void runsTheJobWhenTheTracerFailsToStartARun() {
		JobTracer failingTracer = (jobName, queue) -> {
			throw new IllegalStateException("tracer down");
		};
		Object result = new Object();
		ResultJob job = proxy(new ResultJob(result), failingTracer);
		assertThat(job.call()).isSameAs(result);
		assertThat(job.calls()).isOne();
	}

	@Test
	void runsTheJobWhenTheTracerCannotBeObtained() {
		Object result = new Object();
		ResultJob job = proxy(new ResultJob(result), new TracedJobAdvisor(() -> {
			throw new IllegalStateException("no tracer bean");
		}));
		assertThat(job.call()).isSameAs(result);
	}

	@Test
	void returnsTheResultWhenTheRunFailsToClose() {
		Object result = new Object();
		ResultJob job = proxy(new ResultJob(result), (jobName, queue) -> new BrokenJobRun());
		assertThat(job.call()).isSameAs(result);
	}

	@Test
	void rethrowsTheExceptionUnchangedWhenTheRunFailsToRecordIt() {
		IllegalStateException failure = new IllegalStateException("boom");
		FailingJob job = proxy(new FailingJob(failure), (jobName, queue) -> new BrokenJobRun());
		assertThatIllegalStateException().isThrownBy(job::runUnchecked)
			.isSameAs(failure)
			.satisfies((ex) -> assertThat(ex.getSuppressed()).isEmpty());
	}

	@Test
	void runsTheJobWhenTheRegistryFailsToBuildItsMeters() {
		this.registry.config().meterFilter(new MeterFilter() {

			@Override
			public Meter.Id map(Meter.Id id) {
				throw new IllegalStateException("meter filter down");
			}

		});
		Object result = new Object();
		ResultJob job = proxy(new ResultJob(result));
		assertThat(job.call()).isSameAs(result);
		assertThat(job.call()).isSameAs(result);
		assertThat(this.registry.getMeters()).isEmpty();
	}

	@Test
	void runsTheJobAndLeavesNoRunInFlightWhenTheRegistryFailsToRecord() {
		MeterRegistry failingRegistry = new FailingCounterRegistry(this.clock);
		IllegalStateException failure = new IllegalStateException("boom");
		Object result = new Object();
		JobTracer tracer = new MicrometerJobTracer(failingRegistry);
		ResultJob succeeding = proxy(new ResultJob(result), tracer);
		FailingJob failing = proxy(new FailingJob(failure), tracer);
		assertThat(succeeding.call()).isSameAs(result);
		assertThatIllegalStateException().isThrownBy(failing::runUnchecked).isSameAs(failure);
		assertThat(failingRegistry.get("job.inflight").tag("job.name", "result-job").gauge().value()).isZero();
		assertThat(failingRegistry.get("job.inflight").tag("job.name", "failing-job").gauge().value()).isZero();
		assertThat(failingRegistry.get("job.duration").tag("job.name", "result-job").timer().count()).isOne();
	}

	@Test
	void countsAttemptsThatSpringRetriesAsRetryAndTheSuccessfulOneAsSuccess() {
		this.contextRunner.withBean(FlakyJobs.class).run((context) -> {
			FlakyJobs jobs = context.getBean(FlakyJobs.class);
			assertThat(jobs.failTwiceThenSucceed()).isEqualTo("done");
			assertThat(jobs.attempts()).isEqualTo(3);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(executions(registry, "flaky-then-fine", "retry", "TransientException")).isEqualTo(2);
			assertThat(executions(registry, "flaky-then-fine", "success", "none")).isOne();
			MeterRegistryAssert.assertThat(registry)
				.doesNotHaveMeterWithNameAndTags("job.exceptions",
						Tags.of("job.name", "flaky-then-fine", "result", "failure"));
		});
	}

	@Test
	void countsTheLastAttemptAsFailureWhenSpringRunsOutOfRetries() {
		this.contextRunner.withBean(FlakyJobs.class).run((context) -> {
			FlakyJobs jobs = context.getBean(FlakyJobs.class);
			assertThatExceptionOfType(TransientException.class).isThrownBy(jobs::alwaysFail);
			assertThat(jobs.attempts()).isEqualTo(3);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(executions(registry, "always-failing", "retry", "TransientException")).isEqualTo(2);
			assertThat(executions(registry, "always-failing", "failure", "TransientException")).isOne();
		});
	}

	@Test
	void countsAFailureThatSpringDoesNotRetryAsFailureAtOnce() {
		this.contextRunner.withBean(FlakyJobs.class).run((context) -> {
			FlakyJobs jobs = context.getBean(FlakyJobs.class);
			assertThatIllegalStateException().isThrownBy(jobs::failWithoutRetry);
			assertThat(jobs.attempts()).isOne();
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(executions(registry, "not-retried", "failure", "IllegalStateException")).isOne();
			MeterRegistryAssert.assertThat(registry)
				.doesNotHaveMeterWithNameAndTags("job.exceptions",
						Tags.of("job.name", "not-retried", "result", "retry"));
		});
	}

	@Test
	void tracesWhenSpringFrameworkHasNoRetryableAnnotation() throws Exception {
		// FilteredClassLoader cannot prove this: RetryableAttempts is already loaded by the application class
		// loader, which sees Retryable. Load our classes again in a loader that hides the resilience package.
		try (URLClassLoader loader = new WithoutSpringResilienceClassLoader(getClass().getClassLoader())) {
			assertThatExceptionOfType(ClassNotFoundException.class)
				.isThrownBy(() -> loader.loadClass(Retryable.class.getName()));
			Class<?> scenario = loader.loadClass(WithoutRetryableScenario.class.getName());
			assertThat(scenario.getClassLoader()).isSameAs(loader);
			@SuppressWarnings("unchecked")
			Callable<Double> run = (Callable<Double>) scenario.getDeclaredConstructor().newInstance();
			assertThat(run.call()).isOne();
		}
	}

	private double executions(String jobName, String result, String exception) {
		return executions(this.registry, jobName, result, exception);
	}

	private double worked(String jobName) {
		return this.registry.get("job.worked").tag("job.name", jobName).functionCounter().count();
	}

	// Runs by result, or with an exception other than none, failed runs by that exception (job.exceptions).
	private static double executions(MeterRegistry registry, String jobName, String result, String exception) {
		if ("none".equals(exception)) {
			FunctionCounter runs = registry.find("job.executions")
				.tags("job.name", jobName, "result", result)
				.functionCounter();
			return (runs != null) ? runs.count() : 0;
		}
		Counter counter = registry.find("job.exceptions")
			.tags("job.name", jobName, "result", result, "exception", exception)
			.counter();
		return (counter != null) ? counter.count() : 0;
	}

	private <T> T proxy(T target) {
		return proxy(target, new MicrometerJobTracer(this.registry));
	}

	private static <T> T proxy(T target, JobTracer tracer) {
		return proxy(target, new TracedJobAdvisor(() -> tracer));
	}

	@SuppressWarnings("unchecked")
	private static <T> T proxy(T target, TracedJobAdvisor advisor) {
		ProxyFactory factory = new ProxyFactory(target);
		factory.setProxyTargetClass(true);
		factory.addAdvisor(advisor);
		return (T) factory.getProxy();
	}

	private static Job jdkProxy(Job target, TracedJobAdvisor advisor) {
		ProxyFactory factory = new ProxyFactory(target);
		factory.addAdvisor(advisor);
		return (Job) factory.getProxy();
	}

	static class InvoiceExport {

		private final MockClock clock;

		InvoiceExport(MockClock clock) {
			this.clock = clock;
		}

		@TracedJob(name = "invoice-export")
		public void export() {
			this.clock.add(Duration.ofSeconds(3));
		}

		public String describe() {
			return "exports invoices";
		}

	}

	static class Reconciliation {

		private final MockClock clock;

		private final InvoiceExport export;

		Reconciliation(MockClock clock, InvoiceExport export) {
			this.clock = clock;
			this.export = export;
		}

		@TracedJob("reconciliation")
		public void reconcile() {
			this.clock.add(Duration.ofSeconds(1));
			this.export.export();
		}

	}

	static class AliasedJobs {

		@TracedJob("named-by-value")
		public void byValue() {
		}

		@TracedJob(name = "named-by-name")
		public void byName() {
		}

	}

	static class UnnamedJob {

		@TracedJob
		public void rebuildIndex() {
		}

	}

	static class QueuedJob {

		@TracedJob(name = "order-handler", queue = "orders")
		public void handle() {
		}

	}

	@TracedJob
	static class ClassLevelJobs {

		public void close() {
		}

		public void reconcile() {
		}

		@TracedJob("ledger-archive")
		public void archive() {
		}

		protected void helper() {
		}

		void packagePrivateHelper() {
		}

	}

	static class ResultJob {

		private final Object result;

		private final AtomicInteger calls = new AtomicInteger();

		ResultJob(Object result) {
			this.result = result;
		}

		// Fields of a class-based proxy are never initialized: read them through a method.
		public int calls() {
			return this.calls.get();
		}

		@TracedJob("result-job")
		public Object call() {
			this.calls.incrementAndGet();
			return this.result;
		}

	}

	static class FailingJob {

		private final Throwable failure;

		FailingJob(Throwable failure) {
			this.failure = failure;
		}

		@TracedJob("failing-job")
		public void runUnchecked() {
			if (this.failure instanceof RuntimeException ex) {
				throw ex;
			}
			throw (Error) this.failure;
		}

		@TracedJob("failing-job")
		public void runChecked() throws IOException {
			throw (IOException) this.failure;
		}

	}

	interface Job {

		void run();

	}

	static class NightlyExport implements Job {

		@Override
		@TracedJob
		public void run() {
		}

	}

	static class HourlySync implements Job {

		@Override
		@TracedJob
		public void run() {
		}

	}

	static class TransientException extends RuntimeException {

		private static final long serialVersionUID = 1L;

	}

	static class ConnectionResetException extends TransientException {

		private static final long serialVersionUID = 1L;

	}

	static class CorruptStateError extends Error {

		private static final long serialVersionUID = 1L;

	}

	static class BrokenJobRun implements JobRun {

		@Override
		public void failed(Throwable failure) {
			throw new IllegalStateException("cannot record failure");
		}

		@Override
		public void retrying(Throwable failure) {
			throw new IllegalStateException("cannot record retry");
		}

		@Override
		public void failedWithoutRetry(Throwable failure) {
			throw new IllegalStateException("cannot record failure");
		}

		@Override
		public void cancelled() {
			throw new IllegalStateException("cannot record cancellation");
		}

		@Override
		public void close() {
			throw new IllegalStateException("cannot close");
		}

	}

	/**
	 * A registry whose counters fail on every increment, as a broken backend might.
	 */
	static class FailingCounterRegistry extends SimpleMeterRegistry {

		FailingCounterRegistry(MockClock clock) {
			super(SimpleConfig.DEFAULT, clock);
		}

		@Override
		protected Counter newCounter(Meter.Id id) {
			Counter counter = super.newCounter(id);
			return new Counter() {

				@Override
				public void increment(double amount) {
					throw new IllegalStateException("counter down");
				}

				@Override
				public double count() {
					return counter.count();
				}

				@Override
				public Meter.Id getId() {
					return counter.getId();
				}

			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableResilientMethods
	static class ResilientMethodsConfiguration {

	}

	static class FlakyJobs {

		private final AtomicInteger attempts = new AtomicInteger();

		public int attempts() {
			return this.attempts.get();
		}

		@TracedJob("flaky-then-fine")
		@Retryable(maxRetries = 3, delay = 0)
		public String failTwiceThenSucceed() {
			if (this.attempts.incrementAndGet() <= 2) {
				throw new TransientException();
			}
			return "done";
		}

		@TracedJob("always-failing")
		@Retryable(maxRetries = 2, delay = 0)
		public void alwaysFail() {
			this.attempts.incrementAndGet();
			throw new TransientException();
		}

		@TracedJob("not-retried")
		@Retryable(includes = TransientException.class, maxRetries = 3, delay = 0)
		public void failWithoutRetry() {
			this.attempts.incrementAndGet();
			throw new IllegalStateException("not transient");
		}

	}

	/**
	 * Loads the classes of job-metrics (main and test) itself and hides Spring Framework's
	 * {@code org.springframework.resilience} package, as on Spring Framework 6.2.
	 */
	static class WithoutSpringResilienceClassLoader extends URLClassLoader {

		WithoutSpringResilienceClassLoader(ClassLoader parent) {
			super(new URL[] { location(TracedJob.class), location(TracedJobAdvisorTests.class) }, parent);
		}

		@Override
		protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
			if (name.startsWith("org.springframework.resilience.")) {
				throw new ClassNotFoundException(name);
			}
			if (!name.startsWith("io.github.jobmetrics.")) {
				return super.loadClass(name, resolve);
			}
			synchronized (getClassLoadingLock(name)) {
				Class<?> type = findLoadedClass(name);
				if (type == null) {
					type = findClass(name);
				}
				if (resolve) {
					resolveClass(type);
				}
				return type;
			}
		}

		@Override
		public URL getResource(String name) {
			return name.startsWith("org/springframework/resilience/") ? null : super.getResource(name);
		}

		private static URL location(Class<?> type) {
			try {
				return type.getProtectionDomain().getCodeSource().getLocation();
			}
			catch (RuntimeException ex) {
				throw new UncheckedIOException(new IOException("No code source for " + type, ex));
			}
		}

	}

	/**
	 * Traces a job in whatever class loader loaded this class, and returns its count of successes.
	 */
	public static class WithoutRetryableScenario implements Callable<Double> {

		@Override
		public Double call() {
			SimpleMeterRegistry registry = new SimpleMeterRegistry();
			TracedJobAdvisor advisor = new TracedJobAdvisor(() -> new MicrometerJobTracer(registry));
			// As in a context: the advisor asks its bean factory whether Spring's retry support is active, which
			// must not touch the missing resilience package.
			advisor.setBeanFactory(new DefaultListableBeanFactory());
			ProxyFactory factory = new ProxyFactory(new PlainJob());
			factory.addAdvisor(advisor);
			((Runnable) factory.getProxy()).run();
			return registry.get("job.executions").tags("job.name", "plain-job", "result", "success")
				.functionCounter().count();
		}

	}

	static class PlainJob implements Runnable {

		@Override
		@TracedJob("plain-job")
		public void run() {
		}

	}

}
