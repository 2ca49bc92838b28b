package io.github.jobmetrics.async;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.github.jobmetrics.BootMetricsAutoConfigurations;
import io.github.jobmetrics.JobTracer;
import io.github.jobmetrics.TracedJob;
import io.github.jobmetrics.autoconfigure.JobMetricsAsyncAutoConfiguration;
import io.github.jobmetrics.autoconfigure.JobMetricsAutoConfiguration;
import io.github.jobmetrics.autoconfigure.JobMetricsObservationAutoConfiguration;
import io.github.jobmetrics.autoconfigure.JobMetricsSchedulingAutoConfiguration;
import io.github.jobmetrics.observation.ObservedJobTracer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.test.simple.SimpleTracer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * An {@code @Async @TracedJob} method is one run on the executor's thread that lasts its body, for {@code void},
 * {@code Future} and {@code CompletableFuture} returns, whatever the order of Spring's async advisor relative to
 * job-metrics' advisor ({@code @EnableAsync}'s default puts it outside, {@code order = HIGHEST_PRECEDENCE} made
 * Spring build a proxy of its own inside job-metrics' one); its wait in the executor's queue is observed; with
 * {@code job-metrics.instrument.async}, every {@code @Async} method is a run, once. On a real
 * {@link ThreadPoolTaskExecutor}: Spring Boot's and one the application defines.
 */
class AsyncJobsTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(BootMetricsAutoConfigurations.with(TaskExecutionAutoConfiguration.class,
				JobMetricsAutoConfiguration.class, JobMetricsAsyncAutoConfiguration.class))
		.withUserConfiguration(Registry.class, Gate.class, Jobs.class);

	@ParameterizedTest
	@ValueSource(classes = { AsyncOutside.class, AsyncInside.class })
	void aLongRunIsInFlightOnTheExecutorThreadUntilItsBodyEnds(Class<?> order) {
		this.contextRunner.withUserConfiguration(order).run((context) -> {
			Jobs jobs = context.getBean(Jobs.class);
			Gate gate = context.getBean(Gate.class);
			MockClock clock = context.getBean(MockClock.class);
			jobs.hold();
			assertThat(gate.entered.await(10, TimeUnit.SECONDS)).isTrue();
			// The caller has long returned: the run is the body's, on the executor's thread.
			assertThat(inflight(context, "hold")).isOne();
			clock.add(Duration.ofSeconds(3));
			assertThat(worked(context, "hold")).isEqualTo(3.0);
			clock.add(Duration.ofSeconds(4));
			assertThat(worked(context, "hold")).isEqualTo(7.0);
			assertThat(executions(context, "hold", "success")).isZero();
			gate.release.countDown();
			await().untilAsserted(() -> assertThat(executions(context, "hold", "success")).isOne());
			assertThat(inflight(context, "hold")).isZero();
			assertThat(worked(context, "hold")).isEqualTo(7.0);
			assertThat(gate.threads).singleElement().asString().startsWith("task-");
		});
	}

	@ParameterizedTest
	@ValueSource(classes = { AsyncOutside.class, AsyncInside.class })
	void aFutureIsARunUntilTheBodyEndsNotUntilTheCallReturnsIt(Class<?> order) {
		this.contextRunner.withUserConfiguration(order).run((context) -> {
			Jobs jobs = context.getBean(Jobs.class);
			Gate gate = context.getBean(Gate.class);
			Future<String> future = jobs.holdFuture();
			CompletableFuture<String> stage = jobs.holdStage();
			assertThat(gate.entered.await(10, TimeUnit.SECONDS)).isTrue();
			await().untilAsserted(() -> assertThat(inflight(context, "holdFuture") + inflight(context, "holdStage"))
				.isEqualTo(2.0));
			gate.release.countDown();
			assertThat(future.get(10, TimeUnit.SECONDS)).isEqualTo("done");
			assertThat(stage.get(10, TimeUnit.SECONDS)).isEqualTo("done");
			await().untilAsserted(() -> assertThat(executions(context, "holdFuture", "success")
					+ executions(context, "holdStage", "success")).isEqualTo(2.0));
			assertThat(inflight(context, "holdFuture") + inflight(context, "holdStage")).isZero();
		});
	}

	@ParameterizedTest
	@ValueSource(classes = { AsyncOutside.class, AsyncInside.class })
	void countsEverySuccessAndFailureOnceForEachReturnType(Class<?> order) {
		this.contextRunner.withUserConfiguration(order).run((context) -> {
			Jobs jobs = context.getBean(Jobs.class);
			context.getBean(Gate.class).release.countDown();
			jobs.work(false);
			jobs.work(true);
			assertThat(jobs.future(false).get(10, TimeUnit.SECONDS)).isEqualTo("done");
			assertThatExceptionOfType(Exception.class).isThrownBy(() -> jobs.future(true).get(10, TimeUnit.SECONDS));
			assertThat(jobs.stage(false).get(10, TimeUnit.SECONDS)).isEqualTo("done");
			assertThatExceptionOfType(Exception.class).isThrownBy(() -> jobs.stage(true).get(10, TimeUnit.SECONDS));
			for (String job : List.of("work", "future", "stage")) {
				await().untilAsserted(() -> assertThat(executions(context, job, "success")).isOne());
				await().untilAsserted(() -> assertThat(executions(context, job, "failure")).isOne());
				assertThat(allExecutions(context, job)).isEqualTo(2.0);
			}
		});
	}

	@Test
	void observesTheTimeACallWaitedForAThreadOfASaturatedExecutor() {
		this.contextRunner.withUserConfiguration(AsyncOutside.class)
			.withPropertyValues("spring.task.execution.pool.core-size=1", "spring.task.execution.pool.max-size=1")
			.run((context) -> {
				Jobs jobs = context.getBean(Jobs.class);
				Gate gate = context.getBean(Gate.class);
				MockClock clock = context.getBean(MockClock.class);
				jobs.hold();
				assertThat(gate.entered.await(10, TimeUnit.SECONDS)).isTrue();
				// The only thread holds the first call: this one waits in the queue for as long as the test says.
				Future<String> waiting = jobs.future(false);
				clock.add(Duration.ofSeconds(5));
				gate.release.countDown();
				assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo("done");
				Timer wait = context.getBean(MeterRegistry.class)
					.get("job.queue.wait")
					.tag("job.name", "future")
					.timer();
				assertThat(wait.count()).isOne();
				assertThat(wait.totalTime(TimeUnit.SECONDS)).isEqualTo(5.0);
				Timer first = context.getBean(MeterRegistry.class).get("job.queue.wait").tag("job.name", "hold").timer();
				assertThat(first.count()).isOne();
				assertThat(first.totalTime(TimeUnit.SECONDS)).isZero();
			});
	}

	@Test
	void publishesTheMaximumPoolSizeOfBootsExecutorAsItsCapacity() {
		this.contextRunner.withUserConfiguration(AsyncOutside.class)
			.withPropertyValues("spring.task.execution.pool.core-size=2",
					"spring.task.execution.pool.max-size=7")
			.run((context) -> assertThat(context.getBean(MeterRegistry.class)
				.get("job.worker.capacity")
				.tags("pool", "applicationTaskExecutor", "queue", "none")
				.gauge()
				.value()).isEqualTo(7.0));
	}

	@Test
	void tracesOnAnExecutorTheApplicationDefinesAndPublishesItsCapacity() {
		this.contextRunner.withUserConfiguration(AsyncInside.class, OwnExecutor.class, ReportJobs.class)
			.run((context) -> {
				context.getBean(Gate.class).release.countDown();
				ReportJobs reports = context.getBean(ReportJobs.class);
				assertThat(reports.report().get(10, TimeUnit.SECONDS)).startsWith("reports-");
				await().untilAsserted(() -> assertThat(executions(context, "report", "success")).isOne());
				assertThat(context.getBean(MeterRegistry.class)
					.get("job.worker.capacity")
					.tags("pool", "reports", "queue", "none")
					.gauge()
					.value()).isEqualTo(3.0);
			});
	}

	@ParameterizedTest
	@ValueSource(classes = { AsyncOutside.class, AsyncInside.class })
	void zeroCodeTracesEveryAsyncMethodOnceAndKeepsTracedJobNames(Class<?> order) {
		this.contextRunner.withUserConfiguration(order, PlainJobs.class)
			.withPropertyValues("job-metrics.instrument.async=true")
			.run((context) -> {
				// Built at start-up: dashboards show 0 before the first call.
				assertThat(executions(context, "PlainJobs.export", "success")).isZero();
				assertThat(context.getBean(MeterRegistry.class).find("job.executions")
					.tags("job.name", "PlainJobs.export", "result", "success").functionCounter()).isNotNull();
				context.getBean(Gate.class).release.countDown();
				PlainJobs plain = context.getBean(PlainJobs.class);
				assertThat(plain.export(false).get(10, TimeUnit.SECONDS)).isEqualTo("exported");
				assertThatExceptionOfType(Exception.class)
					.isThrownBy(() -> plain.export(true).get(10, TimeUnit.SECONDS));
				context.getBean(Jobs.class).work(false);
				await().untilAsserted(() -> assertThat(executions(context, "PlainJobs.export", "success")).isOne());
				await().untilAsserted(() -> assertThat(executions(context, "PlainJobs.export", "failure")).isOne());
				await().untilAsserted(() -> assertThat(executions(context, "work", "success")).isOne());
				// The @TracedJob method is its own job, not also Jobs.work.
				assertThat(context.getBean(MeterRegistry.class).find("job.executions").tag("job.name", "Jobs.work")
					.functionCounters()).isEmpty();
				assertThat(context.getBean(MeterRegistry.class)
					.get("job.queue.wait")
					.tag("job.name", "PlainJobs.export")
					.meters()).isNotEmpty();
			});
	}

	@Test
	void zeroCodeIsOffByDefault() {
		this.contextRunner.withUserConfiguration(AsyncOutside.class, PlainJobs.class).run((context) -> {
			PlainJobs plain = context.getBean(PlainJobs.class);
			assertThat(plain.export(false).get(10, TimeUnit.SECONDS)).isEqualTo("exported");
			assertThat(context.getBean(MeterRegistry.class).find("job.executions").tag("job.name", "PlainJobs.export")
				.functionCounters()).isEmpty();
		});
	}

	@ParameterizedTest
	@ValueSource(classes = { AsyncOutside.class, AsyncInside.class })
	void aScheduledAsyncMethodIsOneRunPerTickOnTheExecutorWithBothZeroCodeSwitches(Class<?> order) {
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(TaskSchedulingAutoConfiguration.class,
					JobMetricsSchedulingAutoConfiguration.class))
			.withUserConfiguration(order, ScheduledAsyncJobs.class)
			.withPropertyValues("job-metrics.instrument.async=true", "job-metrics.instrument.scheduled=true")
			.run((context) -> {
				ScheduledAsyncJobs jobs = context.getBean(ScheduledAsyncJobs.class);
				assertThat(jobs.ran().await(10, TimeUnit.SECONDS)).isTrue();
				// The body has run inside the executor's run, and the scheduler's hand-off ended before it began:
				// once no run is in flight, every run of the tick has ended.
				await().untilAsserted(() -> assertThat(inflight(context, "ScheduledAsyncJobs.tick")).isZero());
				assertThat(allExecutions(context, "ScheduledAsyncJobs.tick")).isOne();
				assertThat(jobs.threads()).singleElement().asString().startsWith("task-");
				// The scheduler still dates the tick.
				assertThat(context.getBean(MeterRegistry.class)
					.get("job.schedule.lag")
					.tag("job.name", "ScheduledAsyncJobs.tick")
					.timer()
					.count()).isOne();
			});
	}

	// The default of an application with Actuator and a tracing bridge: the tick is also a span, one, ended.
	@Test
	void aScheduledAsyncMethodIsOneRunAndOneSpanPerTickWithATracingBridge() {
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(TaskSchedulingAutoConfiguration.class,
					JobMetricsSchedulingAutoConfiguration.class))
			.withConfiguration(BootMetricsAutoConfigurations.observation())
			.withConfiguration(AutoConfigurations.of(JobMetricsObservationAutoConfiguration.class))
			.withBean(Tracer.class, SimpleTracer::new)
			.withUserConfiguration(AsyncOutside.class, ScheduledAsyncJobs.class)
			.withPropertyValues("job-metrics.instrument.async=true", "job-metrics.instrument.scheduled=true")
			.run((context) -> {
				assertThat(context.getBean(JobTracer.class)).isInstanceOf(ObservedJobTracer.class);
				assertThat(context.getBean(ScheduledAsyncJobs.class).ran().await(10, TimeUnit.SECONDS)).isTrue();
				await().untilAsserted(() -> assertThat(inflight(context, "ScheduledAsyncJobs.tick")).isZero());
				assertThat(allExecutions(context, "ScheduledAsyncJobs.tick")).isOne();
				// By its job.name tag: the span's name is the run's job name on Boot 4, Micrometer's observation
				// name on 3.5.
				assertThat(((SimpleTracer) context.getBean(Tracer.class)).getSpans())
					.filteredOn((span) -> "ScheduledAsyncJobs.tick".equals(span.getTags().get("job.name")))
					.singleElement()
					.satisfies((span) -> assertThat(span.getEndTimestamp()).isAfter(Instant.EPOCH));
			});
	}

	private static double inflight(AssertableApplicationContext context, String job) {
		return context.getBean(MeterRegistry.class).get("job.inflight").tag("job.name", job).gauge().value();
	}

	private static double worked(AssertableApplicationContext context, String job) {
		return context.getBean(MeterRegistry.class).get("job.worked").tag("job.name", job).functionCounter().count();
	}

	private static double executions(AssertableApplicationContext context, String job, String result) {
		FunctionCounter counter = context.getBean(MeterRegistry.class)
			.find("job.executions")
			.tags("job.name", job, "result", result)
			.functionCounter();
		return (counter != null) ? counter.count() : 0;
	}

	private static double allExecutions(AssertableApplicationContext context, String job) {
		return context.getBean(MeterRegistry.class)
			.find("job.executions")
			.tag("job.name", job)
			.functionCounters()
			.stream()
			.mapToDouble(FunctionCounter::count)
			.sum();
	}

	@Configuration(proxyBeanMethods = false)
	static class Registry {

		@Bean
		MockClock mockClock() {
			return new MockClock();
		}

		@Bean
		SimpleMeterRegistry meterRegistry(MockClock clock) {
			return new SimpleMeterRegistry(SimpleConfig.DEFAULT, clock);
		}

	}

	// Spring's default: its advisor joins job-metrics' proxy, first.
	@Configuration(proxyBeanMethods = false)
	@EnableAsync
	static class AsyncOutside {

	}

	// Spring's async post-processor runs first and builds a proxy of its own, which job-metrics' proxy wrapped.
	@Configuration(proxyBeanMethods = false)
	@EnableAsync(order = Ordered.HIGHEST_PRECEDENCE)
	static class AsyncInside {

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnExecutor {

		@Bean
		ThreadPoolTaskExecutor reports() {
			ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
			executor.setMaxPoolSize(3);
			executor.setThreadNamePrefix("reports-");
			return executor;
		}

	}

	static class Gate {

		final CountDownLatch entered = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		final List<String> threads = new CopyOnWriteArrayList<>();

		void pass() {
			this.threads.add(Thread.currentThread().getName());
			this.entered.countDown();
			try {
				this.release.await(30, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

	static class Jobs {

		private final Gate gate;

		Jobs(Gate gate) {
			this.gate = gate;
		}

		@Async
		@TracedJob(name = "hold")
		public void hold() {
			this.gate.pass();
		}

		@Async
		@TracedJob(name = "holdFuture")
		public Future<String> holdFuture() {
			this.gate.pass();
			return CompletableFuture.completedFuture("done");
		}

		@Async
		@TracedJob(name = "holdStage")
		public CompletableFuture<String> holdStage() {
			this.gate.pass();
			return CompletableFuture.completedFuture("done");
		}

		@Async
		@TracedJob(name = "work")
		public void work(boolean fail) {
			if (fail) {
				throw new IllegalStateException("work failed");
			}
		}

		@Async
		@TracedJob(name = "future")
		public Future<String> future(boolean fail) {
			if (fail) {
				throw new IllegalStateException("future failed");
			}
			return CompletableFuture.completedFuture("done");
		}

		@Async
		@TracedJob(name = "stage")
		public CompletableFuture<String> stage(boolean fail) {
			return fail ? CompletableFuture.failedFuture(new IllegalStateException("stage failed"))
					: CompletableFuture.completedFuture("done");
		}

	}

	static class PlainJobs {

		@Async
		public CompletableFuture<String> export(boolean fail) {
			if (fail) {
				throw new IllegalStateException("export failed");
			}
			return CompletableFuture.completedFuture("exported");
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableScheduling
	static class ScheduledAsyncJobs {

		private final CountDownLatch ran = new CountDownLatch(1);

		private final List<String> threads = new CopyOnWriteArrayList<>();

		// Read through the proxy, whose own fields are unset.
		public CountDownLatch ran() {
			return this.ran;
		}

		public List<String> threads() {
			return this.threads;
		}

		// Once at start-up, then hourly.
		@Scheduled(fixedRate = 1, timeUnit = TimeUnit.HOURS)
		@Async
		public void tick() {
			this.threads.add(Thread.currentThread().getName());
			this.ran.countDown();
		}

	}

	static class ReportJobs {

		@Async("reports")
		@TracedJob(name = "report")
		public CompletableFuture<String> report() {
			return CompletableFuture.completedFuture(Thread.currentThread().getName());
		}

	}

}
