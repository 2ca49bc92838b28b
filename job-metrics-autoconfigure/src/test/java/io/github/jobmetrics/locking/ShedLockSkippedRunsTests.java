package io.github.jobmetrics.locking;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import io.github.jobmetrics.BootMetricsAutoConfigurations;
import io.github.jobmetrics.JobTracer;
import io.github.jobmetrics.TracedJob;
import io.github.jobmetrics.autoconfigure.JobMetricsAutoConfiguration;
import io.github.jobmetrics.autoconfigure.JobMetricsLockingAutoConfiguration;
import io.github.jobmetrics.autoconfigure.JobMetricsSchedulingAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import net.javacrumbs.shedlock.core.DefaultLockingTaskExecutor;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockingTaskExecutor;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.core.SimpleLock;
import net.javacrumbs.shedlock.provider.jdbctemplate.JdbcTemplateLockProvider;
import net.javacrumbs.shedlock.spring.annotation.EnableSchedulerLock;
import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ContextConsumer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.scheduling.config.ScheduledTask;
import org.springframework.scheduling.config.ScheduledTaskHolder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Runs that ShedLock skipped, with its JDBC lock provider on one embedded H2 database shared by two application
 * contexts, as two instances of a fleet share theirs: the holder's run blocks while it holds the lock, and every run
 * of the other instance is refused it. The skipping instance must count no success, no worked time and keep its
 * last-success timestamp, whatever the order of ShedLock's advice and job-metrics', and with zero-code
 * {@code @Scheduled} tracing as with {@code @TracedJob}.
 */
class ShedLockSkippedRunsTests {

	private static final AtomicInteger databases = new AtomicInteger();

	// Opened by the test once the skipping instance has been looked at: until then the holder's run holds the lock.
	static volatile CountDownLatch release;

	private String url;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(BootMetricsAutoConfigurations.with(TaskSchedulingAutoConfiguration.class,
				JobMetricsAutoConfiguration.class, JobMetricsSchedulingAutoConfiguration.class,
				JobMetricsLockingAutoConfiguration.class));

	@BeforeEach
	void createLockTable() throws Exception {
		release = new CountDownLatch(1);
		// One database per test, kept while the JVM runs, so that both contexts see the same lock table.
		this.url = "jdbc:h2:mem:shedlock-" + databases.incrementAndGet() + ";DB_CLOSE_DELAY=-1";
		try (Connection connection = DriverManager.getConnection(this.url);
				Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE shedlock (name VARCHAR(64) NOT NULL, lock_until TIMESTAMP(3) NOT NULL, "
					+ "locked_at TIMESTAMP(3) NOT NULL, locked_by VARCHAR(255) NOT NULL, PRIMARY KEY (name))");
		}
	}

	@Test
	void runsSkippedByALockHeldElsewhereCountNothingWhenTracedJobAdviceIsOutsideShedLocks() {
		twoInstances(LockAdviceInside.class, TracedReport.class, "report");
	}

	@Test
	void runsSkippedByALockHeldElsewhereCountNothingWhenShedLocksAdviceIsOutsideTracedJobs() {
		twoInstances(LockAdviceOutside.class, TracedReport.class, "report");
	}

	@Test
	void runsSkippedByALockHeldElsewhereCountNothingWhateverTheOrderOfTheAnnotations() {
		twoInstances(LockAdviceInside.class, TracedFirstReport.class, "report");
	}

	@Test
	void runsSkippedByALockHeldElsewhereCountNothingWithZeroCodeScheduledTracing() {
		twoInstances(LockAdviceInside.class, PlainReport.class, "PlainReport.run",
				"job-metrics.instrument.scheduled=true");
	}

	@Test
	void runsSkippedByALockHeldElsewhereCountNothingWithZeroCodeTracingAndShedLocksAdviceFirst() {
		twoInstances(LockAdviceOutside.class, PlainReport.class, "PlainReport.run",
				"job-metrics.instrument.scheduled=true");
	}

	@Test
	void lockProviderKeepsItsClassAndItsLocks() {
		this.contextRunner.withPropertyValues("test.shedlock.url=" + this.url)
			.withUserConfiguration(LockAdviceInside.class)
			.run((context) -> {
				CountingLockProvider provider = context.getBean(CountingLockProvider.class);
				assertThat(AopUtils.isCglibProxy(provider)).isTrue();
				LockConfiguration configuration = new LockConfiguration(Instant.now(), "direct",
						Duration.ofMinutes(1), Duration.ZERO);
				Optional<SimpleLock> lock = provider.lock(configuration);
				assertThat(lock).isPresent();
				assertThat(provider.lock(configuration)).isEmpty();
				lock.get().unlock();
				assertThat(provider.lock(configuration)).isPresent();
			});
	}

	@Test
	void runGrantedALockStaysARunWhenAnotherLockIsRefused() {
		this.contextRunner.withPropertyValues("test.shedlock.url=" + this.url)
			.withUserConfiguration(LockAdviceInside.class)
			.run((context) -> {
				LockProvider provider = context.getBean(LockProvider.class);
				JobTracer tracer = context.getBean(JobTracer.class);
				LockingTaskExecutor executor = new DefaultLockingTaskExecutor(provider);
				// Another instance holds the lock of partition 2.
				SimpleLock heldElsewhere = provider.lock(partition(2)).orElseThrow();
				AtomicInteger done = new AtomicInteger();
				tracer.trace("partitions", null, () -> {
					executor.executeWithLock((Runnable) done::incrementAndGet, partition(1));
					executor.executeWithLock((Runnable) done::incrementAndGet, partition(2));
				});
				tracer.trace("only-partition-2", null,
						() -> executor.executeWithLock((Runnable) done::incrementAndGet, partition(2)));
				heldElsewhere.unlock();
				assertThat(done).hasValue(1);
				JobMeters partitions = new JobMeters(context.getBean(MeterRegistry.class), "partitions");
				assertThat(partitions.successes()).isEqualTo(1);
				JobMeters refused = new JobMeters(context.getBean(MeterRegistry.class), "only-partition-2");
				assertThat(refused.executions()).isZero();
				assertThat(refused.durations()).isZero();
				assertThat(refused.worked()).isZero();
			});
	}

	private static LockConfiguration partition(int partition) {
		return new LockConfiguration(Instant.now(), "partition-" + partition, Duration.ofMinutes(1), Duration.ZERO);
	}

	private void twoInstances(Class<?> lockConfiguration, Class<? extends Report> report, String jobName,
			String... properties) {
		ApplicationContextRunner instance = this.contextRunner.withPropertyValues(properties)
			.withPropertyValues("test.shedlock.url=" + this.url)
			.withUserConfiguration(lockConfiguration, report);
		instance.run(holding((holder) -> {
			Report holderReport = holder.getBean(report);
			assertThat(holderReport.started().await(30, TimeUnit.SECONDS)).as("the holder's run started").isTrue();
			JobMeters holderMeters = new JobMeters(holder.getBean(MeterRegistry.class), jobName);
			double holderStart = holderMeters.lastSuccess();
			instance.run(holding((skipper) -> {
				JobMeters meters = new JobMeters(skipper.getBean(MeterRegistry.class), jobName);
				double createdAt = meters.lastSuccess();
				CountingLockProvider lockProvider = skipper.getBean(CountingLockProvider.class);
				await().atMost(Duration.ofSeconds(30)).until(() -> lockProvider.refusals() >= 5);
				// No tick may be in flight while the meters are read: stop the schedule, let the last tick end.
				skipper.getBean(ScheduledTaskHolder.class).getScheduledTasks().forEach(ScheduledTask::cancel);
				await().atMost(Duration.ofSeconds(30)).until(() -> meters.inFlight() == 0);
				// A run the application starts itself, outside the schedule, is refused too.
				int refused = lockProvider.refusals();
				skipper.getBean(report).run();
				assertThat(lockProvider.refusals()).isGreaterThan(refused);
				assertThat(skipper.getBean(report).bodies()).as("bodies run by the skipping instance").isZero();
				assertThat(meters.executions()).as("executions of the skipping instance").isZero();
				assertThat(meters.durations()).as("durations of the skipping instance").isZero();
				assertThat(meters.worked()).as("worked seconds of the skipping instance").isZero();
				assertThat(meters.lastSuccess()).as("last success of the skipping instance").isEqualTo(createdAt);
			}));
			assertThat(holderMeters.worked()).as("worked seconds of the holder, in flight").isPositive();
			release.countDown();
			await().atMost(Duration.ofSeconds(30)).until(() -> holderMeters.successes() >= 1);
			// As for the skipper: a run ending between the reads of its execution and of its duration (the execution
			// is counted first) would tell them apart. Stop the schedule and let the last tick end.
			holder.getBean(ScheduledTaskHolder.class).getScheduledTasks().forEach(ScheduledTask::cancel);
			await().atMost(Duration.ofSeconds(30)).until(() -> holderMeters.inFlight() == 0);
			assertThat(holderMeters.lastSuccess()).isGreaterThanOrEqualTo(holderStart);
			assertThat(holderMeters.worked()).isPositive();
			assertThat(holderMeters.executions()).isEqualTo(holderMeters.durations());
		}));
	}

	// The holder's run must not outlive its context: releasing the latch lets the scheduler shut down.
	private static ContextConsumer<AssertableApplicationContext> holding(
			ContextConsumer<AssertableApplicationContext> test) {
		return (context) -> {
			assertThat(context).hasNotFailed();
			try {
				test.accept(context);
			}
			finally {
				release.countDown();
			}
		};
	}

	record JobMeters(MeterRegistry registry, String jobName) {

		double executions() {
			return this.registry.get("job.executions")
				.tag("job.name", this.jobName)
				.functionCounters()
				.stream()
				.mapToDouble((counter) -> counter.count())
				.sum();
		}

		double successes() {
			return this.registry.get("job.executions")
				.tag("job.name", this.jobName)
				.tag("result", "success")
				.functionCounter()
				.count();
		}

		double durations() {
			return this.registry.get("job.duration").tag("job.name", this.jobName).timer().count();
		}

		double worked() {
			return this.registry.get("job.worked").tag("job.name", this.jobName).functionCounter().count();
		}

		double lastSuccess() {
			return this.registry.get("job.last.success.timestamp").tag("job.name", this.jobName).gauge().value();
		}

		int inFlight() {
			return (int) this.registry.get("job.inflight").tag("job.name", this.jobName).gauge().value();
		}

	}

	/**
	 * ShedLock's JDBC provider, counting the locks it refuses: a subclass, as an application may define one.
	 */
	public static class CountingLockProvider extends JdbcTemplateLockProvider {

		private final AtomicInteger refusals = new AtomicInteger();

		public CountingLockProvider(DataSource dataSource) {
			super(dataSource);
		}

		// Through a method: the bean is a proxy, whose own fields are not the provider's.
		public int refusals() {
			return this.refusals.get();
		}

		@Override
		public Optional<SimpleLock> lock(LockConfiguration lockConfiguration) {
			Optional<SimpleLock> lock = super.lock(lockConfiguration);
			if (lock.isEmpty()) {
				this.refusals.incrementAndGet();
			}
			return lock;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableScheduling
	static class SharedDatabase {

		@Bean
		DataSource dataSource(@Value("${test.shedlock.url}") String url) {
			JdbcDataSource dataSource = new JdbcDataSource();
			dataSource.setURL(url);
			return dataSource;
		}

		@Bean
		CountingLockProvider lockProvider(DataSource dataSource) {
			return new CountingLockProvider(dataSource);
		}

	}

	// ShedLock's default order: its advice runs inside job-metrics', which has already started the run.
	@Configuration(proxyBeanMethods = false)
	@EnableSchedulerLock(defaultLockAtMostFor = "PT1M")
	static class LockAdviceInside extends SharedDatabase {

	}

	// ShedLock's advice first: a refused lock returns before job-metrics' advice starts a run.
	@Configuration(proxyBeanMethods = false)
	@EnableSchedulerLock(defaultLockAtMostFor = "PT1M", order = Ordered.HIGHEST_PRECEDENCE)
	static class LockAdviceOutside extends SharedDatabase {

	}

	abstract static class Report {

		private final CountDownLatch started = new CountDownLatch(1);

		private final AtomicInteger bodies = new AtomicInteger();

		public CountDownLatch started() {
			return this.started;
		}

		public int bodies() {
			return this.bodies.get();
		}

		public abstract void run() throws InterruptedException;

		void body() throws InterruptedException {
			this.bodies.incrementAndGet();
			this.started.countDown();
			assertThat(release.await(60, TimeUnit.SECONDS)).isTrue();
		}

	}

	static class TracedReport extends Report {

		@Override
		@Scheduled(fixedDelay = 20)
		@SchedulerLock(name = "report")
		@TracedJob("report")
		public void run() throws InterruptedException {
			body();
		}

	}

	// The same annotations in the other order, as the issue tried: Spring's advice order does not follow it.
	static class TracedFirstReport extends Report {

		@Override
		@TracedJob("report")
		@SchedulerLock(name = "report")
		@Scheduled(fixedDelay = 20)
		public void run() throws InterruptedException {
			body();
		}

	}

	static class PlainReport extends Report {

		@Override
		@Scheduled(fixedDelay = 20)
		@SchedulerLock(name = "report")
		public void run() throws InterruptedException {
			body();
		}

	}

}
