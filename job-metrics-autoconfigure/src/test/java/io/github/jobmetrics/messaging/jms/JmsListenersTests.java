package io.github.jobmetrics.messaging.jms;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.jobmetrics.BootMetricsAutoConfigurations;
import io.github.jobmetrics.JobRun;
import io.github.jobmetrics.JobTracer;
import io.github.jobmetrics.TracedJob;
import io.github.jobmetrics.autoconfigure.JobMetricsAutoConfiguration;
import io.github.jobmetrics.autoconfigure.JobMetricsJmsAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jms.annotation.JmsListener;
import org.springframework.jms.config.JmsListenerEndpointRegistry;
import org.springframework.jms.core.JmsTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link JmsListenerContainersMetrics} against a real broker: ActiveMQ Artemis embedded in the test's
 * JVM, with Spring Boot's listener containers.
 */
class JmsListenersTests {

	// Shared with JmsRetryableListenerTests.
	static final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(BootMetricsAutoConfigurations.with(JobMetricsAutoConfiguration.class,
				JobMetricsJmsAutoConfiguration.class))
		// Merged with the above and ordered by their @AutoConfiguration(after...): JMS before job-metrics' JMS.
		.withConfiguration(BootJmsAutoConfigurations.artemisAndJms())
		.withPropertyValues("spring.artemis.mode=embedded", "spring.artemis.embedded.persistent=false");

	@Test
	void poisonMessagesRedeliveredByArtemisAreRetriesUntilTheirLastDelivery() {
		// The case: 2 poison messages of 12, which Artemis delivers 10 times each (its default).
		contextRunner.withUserConfiguration(PaymentListener.class).run((context) -> {
			JmsTemplate jms = context.getBean(JmsTemplate.class);
			for (int i = 0; i < 12; i++) {
				jms.convertAndSend("payments", (i == 3 || i == 7) ? "poison-" + i : "payment-" + i);
			}
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			await().atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> assertThat(executions(registry, "payments", "failure")).isEqualTo(2));
			assertThat(executions(registry, "payments", "success")).isEqualTo(10);
			assertThat(executions(registry, "payments", "retry")).isEqualTo(18);
			assertThat(context.getBean(PaymentListener.class).deliveries()).hasSize(30);
		});
	}

	@Test
	void failuresOfAnAutoAcknowledgingContainerAreFailuresSinceNothingRedeliversThem() {
		contextRunner.withUserConfiguration(PaymentListener.class)
			.withPropertyValues("spring.jms.listener.session.transacted=false")
			.run((context) -> {
				JmsTemplate jms = context.getBean(JmsTemplate.class);
				jms.convertAndSend("payments", "poison-1");
				jms.convertAndSend("payments", "payment-2");
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				await().atMost(Duration.ofSeconds(30))
					.untilAsserted(() -> assertThat(executions(registry, "payments", "success")).isEqualTo(1));
				assertThat(executions(registry, "payments", "failure")).isEqualTo(1);
				assertThat(executions(registry, "payments", "retry")).isZero();
			});
	}

	@Test
	void maxDeliveriesFollowsTheBrokersSetting() {
		BootJmsAutoConfigurations.withMaxDeliveryAttempts(contextRunner, 4)
			.withUserConfiguration(PaymentListener.class)
			.withPropertyValues("job-metrics.jms.max-deliveries=4")
			.run((context) -> {
				context.getBean(JmsTemplate.class).convertAndSend("payments", "poison-1");
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				await().atMost(Duration.ofSeconds(30))
					.untilAsserted(() -> assertThat(executions(registry, "payments", "failure")).isEqualTo(1));
				assertThat(executions(registry, "payments", "retry")).isEqualTo(3);
				assertThat(context.getBean(PaymentListener.class).deliveries()).hasSize(4);
			});
	}

	@Test
	void queueWaitIsTheTimeFromSendingToTheStartOfTheRun() throws Exception {
		contextRunner.withUserConfiguration(TimestampListener.class)
			.withPropertyValues("spring.jms.listener.auto-startup=false")
			.run((context) -> {
				JmsTemplate jms = context.getBean(JmsTemplate.class);
				long sentAfter = System.currentTimeMillis();
				jms.convertAndSend("orders", "order-1");
				long sentBefore = System.currentTimeMillis();
				// The wait under test: the message sits in the queue while no consumer runs.
				Thread.sleep(500);
				long consumersStarted = System.currentTimeMillis();
				context.getBean(JmsListenerEndpointRegistry.class).start();
				TimestampListener listener = context.getBean(TimestampListener.class);
				await().atMost(Duration.ofSeconds(30)).until(() -> listener.started().size() == 1);
				Timer wait = context.getBean(MeterRegistry.class)
					.get("job.queue.wait")
					.tags("job.name", "orders", "queue", "orders")
					.timer();
				assertThat(wait.count()).isOne();
				// Sent in [sentAfter, sentBefore]; the run started between the consumers' start and the body.
				assertThat((long) wait.totalTime(TimeUnit.MILLISECONDS))
					.isBetween(consumersStarted - sentBefore - 1, listener.started().get(0) - sentAfter + 1);
				assertThat(wait.totalTime(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(500);
			});
	}

	@Test
	void lastEnqueuedFollowsTheNewestMessageARunHasStartedOn() {
		contextRunner.withUserConfiguration(TimestampListener.class).run((context) -> {
			JmsTemplate jms = context.getBean(JmsTemplate.class);
			TimestampListener listener = context.getBean(TimestampListener.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			for (int i = 1; i <= 3; i++) {
				jms.convertAndSend("orders", "order-" + i);
				int expected = i;
				await().atMost(Duration.ofSeconds(30)).until(() -> listener.timestamps().size() == expected);
				double lastEnqueued = registry.get("job.queue.last.enqueued.timestamp")
					.tags("job.name", "orders", "queue", "orders")
					.gauge()
					.value();
				assertThat(lastEnqueued).isEqualTo(listener.timestamps().get(i - 1) / 1e3);
			}
		});
	}

	@Test
	void aSpringMessageArgumentOfAListenerIsObservedOnceFromTheJmsTimestamp() {
		contextRunner.withUserConfiguration(MessageListener.class).run((context) -> {
			context.getBean(JmsTemplate.class).convertAndSend("invoices", "invoice-1");
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			await().atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> assertThat(executions(registry, "invoices", "success")).isOne());
			// The header "timestamp" is when Spring converted the JMS message: the JMSTimestamp is the one observed.
			assertThat(registry.get("job.queue.wait").tag("job.name", "invoices").timer().count()).isOne();
			assertThat(registry.get("job.queue.last.enqueued.timestamp").tag("job.name", "invoices").gauge().value())
				.isEqualTo(context.getBean(MessageListener.class).jmsTimestamp() / 1e3);
		});
	}

	@Test
	void capacityOfAListenerContainerIsItsMaximumConcurrency() {
		contextRunner.withUserConfiguration(PaymentListener.class).run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("job.worker.capacity")
				.tags("pool", "payments-listener", "queue", "payments")
				.gauge()
				.value()).isEqualTo(5);
		});
	}

	@Test
	void zeroCodeTracesEveryListenerOnceAndAnnotatedListenersKeepTheirJob() {
		contextRunner.withUserConfiguration(PaymentListener.class, PlainListener.class)
			.withPropertyValues("job-metrics.instrument.listeners=true")
			.run((context) -> {
				JmsTemplate jms = context.getBean(JmsTemplate.class);
				for (int i = 0; i < 5; i++) {
					jms.convertAndSend("payments", "payment-" + i);
					jms.convertAndSend("refunds", "refund-" + i);
				}
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				await().atMost(Duration.ofSeconds(30))
					.untilAsserted(() -> assertThat(registry.get("job.executions")
						.tags("job.name", "PlainListener.onRefund", "queue", "refunds", "result", "success")
						.functionCounter()
						.count()).isEqualTo(5));
				await().atMost(Duration.ofSeconds(30))
					.untilAsserted(() -> assertThat(executions(registry, "payments", "success")).isEqualTo(5));
				assertThat(registry.find("job.executions").tag("result", "success").functionCounters())
					.extracting((counter) -> counter.getId().getTag("job.name"))
					.containsExactlyInAnyOrder("payments", "PlainListener.onRefund");
				assertThat(registry.get("job.queue.wait").tags("job.name", "PlainListener.onRefund").timer().count())
					.isEqualTo(5);
			});
	}

	@Test
	void withoutZeroCodeAPlainListenerIsNotTraced() {
		contextRunner.withUserConfiguration(PlainListener.class).run((context) -> {
			context.getBean(JmsTemplate.class).convertAndSend("refunds", "refund-1");
			await().atMost(Duration.ofSeconds(30))
				.until(() -> context.getBean(PlainListener.class).received().size() == 1);
			assertThat(context.getBean(MeterRegistry.class).find("job.executions").functionCounters()).isEmpty();
		});
	}

	@Test
	void aTracerWhoseRunsFailToObserveTheWaitNeitherFailsTheListenerNorLeavesTheRunOpen() {
		FailingWaitTracer tracer = new FailingWaitTracer();
		contextRunner.withUserConfiguration(PaymentListener.class)
			.withBean(JobTracer.class, () -> tracer)
			.run((context) -> {
				context.getBean(JmsTemplate.class).convertAndSend("payments", "payment-1");
				await().atMost(Duration.ofSeconds(10)).until(() -> tracer.closed.get() == 1);
				// Handled at the first delivery: the tracer's exception never reached the listener.
				assertThat(context.getBean(PaymentListener.class).deliveries()).containsExactly("payment-1");
				assertThat(tracer.started).hasValue(1);
				assertThat(tracer.enqueuedAt).hasValue(1);
				assertThat(tracer.failed).hasValue(0);
			});
	}

	@Test
	void aTracedServiceThatAListenerCallsNeverClaimsTheDeliveryForTheListenerMayCatchItsFailure() {
		contextRunner.withUserConfiguration(SettlementListeners.class)
			.withBean(Settlements.class)
			.run((context) -> {
				JmsTemplate jms = context.getBean(JmsTemplate.class);
				jms.convertAndSend("settlements", "poison-1");
				jms.convertAndSend("traced-settlements", "poison-2");
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				// Both listeners caught the service's exception: Artemis had each message acknowledged at once, and
				// nothing retries either failure.
				await().atMost(Duration.ofSeconds(30))
					.untilAsserted(() -> assertThat(executions(registry, "settle", "failure")).isEqualTo(2));
				assertThat(executions(registry, "settle", "retry")).isZero();
				assertThat(executions(registry, "traced-settlements", "success")).isOne();
				assertThat(context.getBean(SettlementListeners.class).received()).containsExactlyInAnyOrder("poison-1",
						"poison-2");
				// The wait is observed by the listener's run, and only there.
				assertThat(registry.find("job.queue.wait").timers())
					.extracting((timer) -> timer.getId().getTag("job.name"))
					.containsExactly("traced-settlements");
			});
	}

	static double executions(MeterRegistry registry, String job, String result) {
		return registry.get("job.executions").tags("job.name", job, "result", result).functionCounter().count();
	}

	static class PaymentListener {

		private final List<String> deliveries = new CopyOnWriteArrayList<>();

		@JmsListener(id = "payments-listener", destination = "payments", concurrency = "3-5")
		@TracedJob(name = "payments", queue = "payments")
		public void onPayment(String body) {
			this.deliveries.add(body);
			if (body.startsWith("poison")) {
				throw new IllegalStateException("Cannot process " + body);
			}
		}

		public List<String> deliveries() {
			return this.deliveries;
		}

	}

	static class TimestampListener {

		private final List<Long> started = new CopyOnWriteArrayList<>();

		private final List<Long> timestamps = new CopyOnWriteArrayList<>();

		@JmsListener(destination = "orders")
		@TracedJob(name = "orders", queue = "orders")
		public void onOrder(Message message) throws JMSException {
			this.started.add(System.currentTimeMillis());
			this.timestamps.add(message.getJMSTimestamp());
		}

		public List<Long> started() {
			return this.started;
		}

		public List<Long> timestamps() {
			return this.timestamps;
		}

	}

	static class MessageListener {

		volatile long jmsTimestamp;

		@JmsListener(destination = "invoices")
		@TracedJob(name = "invoices", queue = "invoices")
		public void onInvoice(org.springframework.messaging.Message<String> message) {
			this.jmsTimestamp = (Long) message.getHeaders().get("jms_timestamp");
		}

		// Read through a method: the bean is a class proxy, whose own fields are never set.
		public long jmsTimestamp() {
			return this.jmsTimestamp;
		}

	}

	static class Settlements {

		@TracedJob(name = "settle")
		public void settle(String body) {
			throw new IllegalStateException("Cannot settle " + body);
		}

	}

	static class SettlementListeners {

		private final List<String> received = new CopyOnWriteArrayList<>();

		private final Settlements settlements;

		SettlementListeners(Settlements settlements) {
			this.settlements = settlements;
		}

		@JmsListener(destination = "settlements")
		public void onSettlement(String body) {
			settle(body);
		}

		@JmsListener(destination = "traced-settlements")
		@TracedJob(name = "traced-settlements", queue = "traced-settlements")
		public void onTracedSettlement(String body) {
			settle(body);
		}

		private void settle(String body) {
			this.received.add(body);
			try {
				this.settlements.settle(body);
			}
			catch (IllegalStateException ex) {
				// Settled later by hand: the message is done with.
			}
		}

		public List<String> received() {
			return this.received;
		}

	}

	/**
	 * An application's own tracer, whose runs fail to observe a queue wait.
	 */
	static class FailingWaitTracer implements JobTracer {

		final AtomicInteger started = new AtomicInteger();

		final AtomicInteger enqueuedAt = new AtomicInteger();

		final AtomicInteger failed = new AtomicInteger();

		final AtomicInteger closed = new AtomicInteger();

		@Override
		public JobRun start(String jobName, @Nullable String queue) {
			this.started.incrementAndGet();
			return new JobRun() {

				@Override
				public void enqueuedAt(long epochMillis) {
					FailingWaitTracer.this.enqueuedAt.incrementAndGet();
					throw new IllegalStateException("broken tracer");
				}

				@Override
				public void failed(Throwable failure) {
					FailingWaitTracer.this.failed.incrementAndGet();
				}

				@Override
				public void retrying(Throwable failure) {
					FailingWaitTracer.this.failed.incrementAndGet();
				}

				@Override
				public void failedWithoutRetry(Throwable failure) {
					FailingWaitTracer.this.failed.incrementAndGet();
				}

				@Override
				public void cancelled() {
				}

				@Override
				public void close() {
					FailingWaitTracer.this.closed.incrementAndGet();
				}

			};
		}

	}

	static class PlainListener {

		private final List<String> received = new CopyOnWriteArrayList<>();

		@JmsListener(destination = "refunds")
		public void onRefund(String body) {
			this.received.add(body);
		}

		public List<String> received() {
			return this.received;
		}

	}

}
