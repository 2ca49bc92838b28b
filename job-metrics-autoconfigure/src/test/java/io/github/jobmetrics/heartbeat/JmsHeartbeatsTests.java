package io.github.jobmetrics.heartbeat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.jobmetrics.BootMetricsAutoConfigurations;
import io.github.jobmetrics.TracedJob;
import io.github.jobmetrics.autoconfigure.JobMetricsAutoConfiguration;
import io.github.jobmetrics.autoconfigure.JobMetricsHeartbeatAutoConfiguration;
import io.github.jobmetrics.autoconfigure.JobMetricsJmsAutoConfiguration;
import io.github.jobmetrics.messaging.jms.BootJmsAutoConfigurations;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jms.annotation.JmsListener;
import org.springframework.jms.core.JmsTemplate;

import static io.github.jobmetrics.heartbeat.HeartbeatReadings.consumed;
import static io.github.jobmetrics.heartbeat.HeartbeatReadings.sent;
import static io.github.jobmetrics.heartbeat.HeartbeatReadings.timestamp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * JMS heartbeats against a real broker: ActiveMQ Artemis embedded in the test's JVM, Spring Boot's listener
 * containers, the application's own {@code JmsTemplate}. Boot's auto-configuration of whichever line is on the
 * classpath, so that it runs on every line.
 */
class JmsHeartbeatsTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(BootMetricsAutoConfigurations.with(JobMetricsAutoConfiguration.class,
				JobMetricsJmsAutoConfiguration.class, JobMetricsHeartbeatAutoConfiguration.class))
		// Merged with the above and ordered by their @AutoConfiguration(after...): JMS before job-metrics' JMS.
		.withConfiguration(BootJmsAutoConfigurations.artemisAndJms())
		.withPropertyValues("spring.artemis.mode=embedded", "spring.artemis.embedded.persistent=false",
				"job-metrics.heartbeat.interval=100ms");

	@Test
	void heartbeatsNeverReachTheListenerAndAreNotRuns() {
		this.contextRunner.withUserConfiguration(OrderListener.class)
			.withPropertyValues("job-metrics.heartbeat.jms.destinations=orders")
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				await().atMost(WAIT).until(() -> consumed(registry, "orders") >= 3);
				context.getBean(JmsTemplate.class).convertAndSend("orders", "order-1");
				OrderListener listener = context.getBean(OrderListener.class);
				await().atMost(WAIT).until(() -> listener.received().size() == 1);
				await().atMost(WAIT).until(() -> consumed(registry, "orders") >= 6);
				assertThat(listener.received()).containsExactly("order-1");
				// One run, the real message's: no executions, worked time or queue wait of a heartbeat.
				assertThat(registry.get("job.executions").tags("job.name", "orders").functionCounters().stream()
					.mapToDouble(FunctionCounter::count)
					.sum()).isEqualTo(1);
				assertThat(registry.get("job.queue.wait").tags("job.name", "orders").timer().count()).isOne();
			});
	}

	@Test
	void theTimestampMovesForwardAndEverySentHeartbeatIsConsumed() {
		this.contextRunner.withUserConfiguration(OrderListener.class)
			.withPropertyValues("job-metrics.heartbeat.jms.destinations=orders")
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				long before = System.currentTimeMillis();
				await().atMost(WAIT).until(() -> registry.find("job.queue.heartbeat.timestamp").gauge() != null);
				double first = timestamp(registry, "orders");
				assertThat(first * 1e3).isGreaterThanOrEqualTo(before - 1000);
				await().atMost(WAIT).until(() -> timestamp(registry, "orders") > first);
				context.getBean(HeartbeatScheduler.class).stop();
				await().atMost(WAIT).until(() -> consumed(registry, "orders") == sent(registry, "orders"));
				assertThat(sent(registry, "orders")).isGreaterThanOrEqualTo(2);
			});
	}

	@Test
	void aHeartbeatNobodyConsumesShowsInSentMinusConsumed() {
		this.contextRunner.withUserConfiguration(OrderListener.class)
			.withPropertyValues("job-metrics.heartbeat.jms.destinations=orders,abandoned")
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				await().atMost(WAIT).until(() -> sent(registry, "abandoned") >= 3 && consumed(registry, "orders") >= 3);
				assertThat(consumed(registry, "abandoned")).isZero();
				assertThat(registry.find("job.queue.heartbeat.timestamp").tag("queue", "abandoned").gauge()).isNull();
			});
	}

	@Test
	void aListenerOfAnInstanceThatSendsNoHeartbeatsStillTakesThemOut() {
		// Competing consumers: the heartbeat sent by one instance is consumed by another, which sends none.
		this.contextRunner.withUserConfiguration(OrderListener.class).run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			HeartbeatScheduler other = new HeartbeatScheduler(new HeartbeatMeters(registry, (queue) -> queue),
					Duration.ofMillis(100),
					() -> JmsHeartbeats.destinations(context.getBean(JmsTemplate.class), List.of("orders")));
			other.start();
			try {
				await().atMost(WAIT).until(() -> consumed(registry, "orders") >= 2);
			}
			finally {
				other.stop();
			}
			assertThat(context.getBean(OrderListener.class).received()).isEmpty();
		});
	}

	@Test
	void switchedOffNoListenerIsWrappedAndNothingIsSent() {
		this.contextRunner.withUserConfiguration(OrderListener.class)
			.withPropertyValues("job-metrics.heartbeat.jms.destinations=orders", "job-metrics.heartbeat.enabled=false")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(HeartbeatScheduler.class).doesNotHaveBean(JmsHeartbeats.class);
				assertThat(context.getBean(MeterRegistry.class).find("job.queue.heartbeats.sent").counter()).isNull();
			});
	}

	static class OrderListener {

		private final List<String> received = new CopyOnWriteArrayList<>();

		@JmsListener(destination = "orders")
		@TracedJob(name = "orders", queue = "orders")
		public void onOrder(String body) {
			this.received.add(body);
		}

		List<String> received() {
			return this.received;
		}

	}

}
