package io.github.jobmetrics.aop;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.github.jobmetrics.JobTracer;
import io.github.jobmetrics.TracedJob;
import io.github.jobmetrics.autoconfigure.JobMetricsAutoConfiguration;
import io.github.jobmetrics.micrometer.MicrometerJobTracer;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.aop.framework.ProxyFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * A job that returns a {@link CompletionStage} is one run from the call until the stage completes, with the
 * result the stage completes with; while it is pending it is in flight and its worked seconds grow.
 */
class AsyncRunsTests {

	private final MockClock clock = new MockClock();

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry(SimpleConfig.DEFAULT, this.clock);

	private final MicrometerJobTracer tracer = new MicrometerJobTracer(this.registry);

	private final AsyncJobs target = new AsyncJobs();

	private final AsyncJobs jobs = proxy(this.target);

	@Test
	void pendingFutureIsARunInFlightWhoseWorkedSecondsGrowUntilItCompletes() {
		CompletableFuture<String> result = this.jobs.export();
		assertThat(inflight()).isOne();
		this.clock.add(Duration.ofSeconds(5));
		assertThat(worked()).isEqualTo(5.0);
		this.clock.add(Duration.ofSeconds(5));
		assertThat(worked()).isEqualTo(10.0);
		assertThat(executions("success")).isZero();
		this.target.pending.complete("done");
		assertThat(result).isCompletedWithValue("done");
		assertThat(inflight()).isZero();
		assertThat(executions("success")).isOne();
		assertThat(this.registry.get("job.duration").timer().totalTime(TimeUnit.SECONDS)).isEqualTo(10.0);
		this.clock.add(Duration.ofSeconds(5));
		assertThat(worked()).isEqualTo(10.0);
	}

	// Declared as Object, the method's result is still tested at each call: a stage it returns ends the run.
	@Test
	void stageReturnedWhereTheDeclaredTypeIsObjectEndsTheRunWhenItCompletes() {
		Object result = this.jobs.exportAsObject();
		assertThat(result).isSameAs(this.target.pending);
		this.clock.add(Duration.ofSeconds(5));
		assertThat(inflight()).isOne();
		assertThat(worked()).isEqualTo(5.0);
		this.target.pending.complete("done");
		assertThat(inflight()).isZero();
		assertThat(executions("success")).isOne();
		assertThat(this.registry.get("job.duration").timer().totalTime(TimeUnit.SECONDS)).isEqualTo(5.0);
	}

	@Test
	void onlyADeclaredTypeThatAdmitsAStageHasItsResultTested() {
		assertThat(TracedMethod.mayReturnStage(void.class)).isFalse();
		assertThat(TracedMethod.mayReturnStage(int.class)).isFalse();
		assertThat(TracedMethod.mayReturnStage(String.class)).isFalse();
		assertThat(TracedMethod.mayReturnStage(Integer.class)).isFalse();
		assertThat(TracedMethod.mayReturnStage(String[].class)).isFalse();
		assertThat(TracedMethod.mayReturnStage(Object.class)).isTrue();
		assertThat(TracedMethod.mayReturnStage(Number.class)).isTrue();
		assertThat(TracedMethod.mayReturnStage(Future.class)).isTrue();
		assertThat(TracedMethod.mayReturnStage(CompletionStage.class)).isTrue();
		assertThat(TracedMethod.mayReturnStage(CompletableFuture.class)).isTrue();
	}

	@Test
	void exceptionalCompletionIsOneFailureWithTheRealException() {
		this.jobs.export();
		this.target.pending.completeExceptionally(new CompletionException(new IOException("disk")));
		assertThat(executions("failure")).isOne();
		assertThat(executions("success")).isZero();
		assertThat(this.registry.get("job.exceptions").tag("exception", "IOException").counter().count()).isOne();
		assertThat(inflight()).isZero();
	}

	@Test
	void cancellationIsCountedAsCancelled() {
		this.jobs.export();
		this.target.pending.cancel(true);
		assertThat(executions("cancelled")).isOne();
		assertThat(executions("success") + executions("failure") + executions("retry")).isZero();
		assertThat(inflight()).isZero();
	}

	@Test
	void cancelledSeriesExistsAtZeroFromRegistration() {
		this.tracer.register("other", null);
		assertThat(this.registry.get("job.executions").tag("job.name", "other").tag("result", "cancelled")
			.functionCounter()
			.count()).isZero();
	}

	@Test
	void alreadyCompletedStageEndsTheRunAtOnce() {
		assertThat(this.jobs.completed()).isCompletedWithValue("now");
		assertThat(executions("success")).isOne();
		assertThat(inflight()).isZero();
	}

	@Test
	void stageThatNeverCompletesStaysInFlightAndShowsAsStuck() {
		this.jobs.export();
		this.clock.add(Duration.ofHours(2));
		assertThat(inflight()).isOne();
		assertThat(this.registry.get("job.oldest.inflight.age").gauge().value()).isEqualTo(7200.0);
	}

	@Test
	void stageDroppedWithoutEverCompletingEndsAsCancelledOnceCollected() {
		this.jobs.abandon();
		assertThat(this.registry.get("job.inflight").tag("job.name", "abandoned").gauge().value()).isOne();
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
			System.gc();
			return this.registry.get("job.executions").tag("job.name", "abandoned").tag("result", "cancelled")
				.functionCounter().count() == 1;
		});
		assertThat(this.registry.get("job.inflight").tag("job.name", "abandoned").gauge().value()).isZero();
	}

	@Test
	void traceAsyncEndsTheRunWhenTheStageCompletes() {
		CompletableFuture<Integer> pending = new CompletableFuture<>();
		CompletableFuture<Integer> returned = this.tracer.traceAsync("export", null, () -> pending);
		assertThat(returned).isSameAs(pending);
		this.clock.add(Duration.ofSeconds(3));
		assertThat(worked()).isEqualTo(3.0);
		pending.complete(1);
		assertThat(executions("success")).isOne();
		assertThat(inflight()).isZero();
	}

	@Test
	void traceAsyncCountsAJobThatThrowsBeforeReturningAStageAsAFailure() {
		JobTracer jobTracer = this.tracer;
		assertThatIllegalStateException().isThrownBy(() -> jobTracer.traceAsync("export", null, () -> {
			throw new IllegalStateException("no connection");
		}));
		assertThat(executions("failure")).isOne();
		assertThat(inflight()).isZero();
	}

	@Test
	void asyncMethodIsOneRunOfTheWorkOnItsExecutorThread() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(JobMetricsAutoConfiguration.class))
			.withBean(SimpleMeterRegistry.class)
			.withUserConfiguration(AsyncConfiguration.class)
			.run((context) -> {
				SpringAsyncJob job = context.getBean(SpringAsyncJob.class);
				CountDownLatch release = new CountDownLatch(1);
				CompletableFuture<String> result = job.work(release);
				SimpleMeterRegistry registry = context.getBean(SimpleMeterRegistry.class);
				await().atMost(Duration.ofSeconds(10))
					.until(() -> registry.get("job.inflight").tag("job.name", "spring-async").gauge().value() == 1);
				assertThat(result).isNotDone();
				release.countDown();
				assertThat(result.get(10, TimeUnit.SECONDS)).startsWith("worked on ").doesNotContain("main");
				await().atMost(Duration.ofSeconds(10))
					.until(() -> registry.get("job.executions").tag("job.name", "spring-async").tag("result", "success")
						.functionCounter().count() == 1);
				assertThat(registry.find("job.executions").tag("job.name", "spring-async").functionCounters().stream()
					.mapToDouble((counter) -> counter.count())
					.sum()).isOne();
			});
	}

	private double worked() {
		return this.registry.get("job.worked").tag("job.name", "export").functionCounter().count();
	}

	private double inflight() {
		return this.registry.get("job.inflight").tag("job.name", "export").gauge().value();
	}

	private double executions(String result) {
		return this.registry.get("job.executions").tag("job.name", "export").tag("result", result)
			.functionCounter().count();
	}

	@SuppressWarnings("unchecked")
	private <T> T proxy(T target) {
		ProxyFactory factory = new ProxyFactory(target);
		factory.setProxyTargetClass(true);
		factory.addAdvisor(new TracedJobAdvisor(() -> this.tracer));
		return (T) factory.getProxy();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAsync
	static class AsyncConfiguration {

		@Bean
		SpringAsyncJob springAsyncJob() {
			return new SpringAsyncJob();
		}

	}

	static class SpringAsyncJob {

		@Async
		@TracedJob("spring-async")
		public CompletableFuture<String> work(CountDownLatch release) throws InterruptedException {
			release.await();
			return CompletableFuture.completedFuture("worked on " + Thread.currentThread().getName());
		}

	}

	static class AsyncJobs {

		final CompletableFuture<String> pending = new CompletableFuture<>();

		@TracedJob("export")
		public CompletableFuture<String> export() {
			return this.pending;
		}

		@TracedJob("export")
		public Object exportAsObject() {
			return this.pending;
		}

		@TracedJob("abandoned")
		public CompletableFuture<String> abandon() {
			return new CompletableFuture<>();
		}

		@TracedJob("export")
		public CompletionStage<String> completed() {
			return CompletableFuture.completedFuture("now");
		}

	}

}
