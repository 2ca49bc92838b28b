package io.github.jobmetrics.async;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.github.jobmetrics.BootMetricsAutoConfigurations;
import io.github.jobmetrics.JobTracer;
import io.github.jobmetrics.TracedJob;
import io.github.jobmetrics.autoconfigure.JobMetricsAsyncAutoConfiguration;
import io.github.jobmetrics.autoconfigure.JobMetricsAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.TaskDecorator;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A task handed directly to a real {@link ThreadPoolTaskExecutor} (Spring Boot's, one thread) that waits in its
 * queue while the only thread is busy: the first traced run the task starts observes that wait, within the bounds
 * the test measures itself; a task that starts no run records nothing; the application's own {@link TaskDecorator}
 * still decorates every task.
 */
class ExecutorTaskQueueWaitTests {

	private static final long MILLIS_ROUNDING = 3;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(BootMetricsAutoConfigurations.with(TaskExecutionAutoConfiguration.class,
				JobMetricsAutoConfiguration.class, JobMetricsAsyncAutoConfiguration.class))
		.withPropertyValues("spring.task.execution.pool.core-size=1", "spring.task.execution.pool.max-size=1")
		.withUserConfiguration(Registry.class, UserDecorator.class, Reports.class);

	@Test
	void aTaskThatWaitedForTheOnlyThreadGivesItsWaitToTheFirstRunItStarts() {
		this.contextRunner.run((context) -> {
			ThreadPoolTaskExecutor executor = context.getBean("applicationTaskExecutor", ThreadPoolTaskExecutor.class);
			JobTracer tracer = context.getBean(JobTracer.class);
			CountDownLatch entered = new CountDownLatch(1);
			CountDownLatch release = new CountDownLatch(1);
			executor.execute(() -> {
				entered.countDown();
				awaitQuietly(release);
			});
			assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
			AtomicLong started = new AtomicLong();
			long beforeSubmit = System.nanoTime();
			Future<?> queued = executor.submit(() -> {
				started.set(System.nanoTime());
				tracer.trace("report", null, () -> {
				});
				tracer.trace("after-report", null, () -> {
				});
			});
			long afterSubmit = System.nanoTime();
			// The wait the test controls: the only thread stays busy this long after the submission.
			Thread.sleep(200);
			long beforeRelease = System.nanoTime();
			release.countDown();
			queued.get(10, TimeUnit.SECONDS);
			Timer wait = queueWait(context, "report");
			assertThat(wait.count()).isOne();
			long lowerBound = TimeUnit.NANOSECONDS.toMillis(beforeRelease - afterSubmit) - MILLIS_ROUNDING;
			long upperBound = TimeUnit.NANOSECONDS.toMillis(started.get() - beforeSubmit) + MILLIS_ROUNDING;
			assertThat((long) wait.totalTime(TimeUnit.MILLISECONDS)).isBetween(lowerBound, upperBound);
			// One wait per task: the run after it waited for nothing in a queue.
			assertThat(context.getBean(MeterRegistry.class).find("job.queue.wait").tag("job.name", "after-report")
				.meters()).isEmpty();
			assertThat(context.getBean(UserDecorator.class).decorated).hasSize(2);
		});
	}

	@Test
	void theRunOfATracedJobMethodTheTaskCallsObservesTheWaitUnderItsJobName() {
		this.contextRunner.run((context) -> {
			ThreadPoolTaskExecutor executor = context.getBean("applicationTaskExecutor", ThreadPoolTaskExecutor.class);
			Reports reports = context.getBean(Reports.class);
			executor.submit(reports::export).get(10, TimeUnit.SECONDS);
			assertThat(queueWait(context, "export").count()).isOne();
		});
	}

	@Test
	void aRunWithAnEnqueueTimeOfItsOwnObservesThatOneOnly() {
		this.contextRunner.run((context) -> {
			ThreadPoolTaskExecutor executor = context.getBean("applicationTaskExecutor", ThreadPoolTaskExecutor.class);
			Reports reports = context.getBean(Reports.class);
			long createdAt = System.currentTimeMillis() - 60_000;
			executor.submit(() -> reports.importFile(createdAt)).get(10, TimeUnit.SECONDS);
			Timer wait = queueWait(context, "import");
			assertThat(wait.count()).isOne();
			assertThat(wait.totalTime(TimeUnit.SECONDS)).isGreaterThanOrEqualTo(60.0);
		});
	}

	@Test
	void aTaskThatStartsNoRunCreatesNoSeries() {
		this.contextRunner.run((context) -> {
			ThreadPoolTaskExecutor executor = context.getBean("applicationTaskExecutor", ThreadPoolTaskExecutor.class);
			for (int i = 0; i < 3; i++) {
				executor.submit(() -> {
				}).get(10, TimeUnit.SECONDS);
			}
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.find("job.queue.wait").meters()).isEmpty();
			// The pre-registered traced job of the context did not run.
			assertThat(registry.find("job.executions").functionCounters())
				.allSatisfy((executions) -> assertThat(executions.count()).isZero());
			assertThat(context.getBean(UserDecorator.class).decorated).hasSize(3);
		});
	}

	@Test
	void anExecutorTheApplicationBuildsAndInitializesItselfIsMeasuredToo() {
		this.contextRunner.withUserConfiguration(OwnExecutor.class).run((context) -> {
			ThreadPoolTaskExecutor executor = context.getBean("ownExecutor", ThreadPoolTaskExecutor.class);
			JobTracer tracer = context.getBean(JobTracer.class);
			executor.submit(() -> tracer.trace("own", null, () -> {
			})).get(10, TimeUnit.SECONDS);
			assertThat(queueWait(context, "own").count()).isOne();
			await().untilAsserted(() -> assertThat(context.getBean(OwnExecutor.class).decorated).isOne());
		});
	}

	private static Timer queueWait(AssertableApplicationContext context, String job) {
		return context.getBean(MeterRegistry.class).get("job.queue.wait").tag("job.name", job).timer();
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class Registry {

		// The system clock: the wait is checked against the test's own measurement of time.
		@Bean
		SimpleMeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

	// The application's own decorator, which Spring Boot gives its executor.
	static class UserDecorator implements TaskDecorator {

		final List<Runnable> decorated = new CopyOnWriteArrayList<>();

		@Override
		public Runnable decorate(Runnable runnable) {
			return () -> {
				this.decorated.add(runnable);
				runnable.run();
			};
		}

	}

	static class Reports {

		@TracedJob("export")
		public void export() {
		}

		@TracedJob(value = "import", enqueuedAt = "#p0")
		public void importFile(long createdAt) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnExecutor {

		volatile int decorated;

		@Bean
		ThreadPoolTaskExecutor ownExecutor() {
			ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
			executor.setTaskDecorator((runnable) -> () -> {
				this.decorated++;
				runnable.run();
			});
			executor.initialize();
			return executor;
		}

	}

}
