package io.github.jobmetrics.messaging.amqp;

import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.github.jobmetrics.JobMetricsConfigurationException;
import io.github.jobmetrics.TracedJob;
import io.github.jobmetrics.BootMetricsAutoConfigurations;
import io.github.jobmetrics.autoconfigure.JobMetricsAutoConfiguration;
import io.github.jobmetrics.autoconfigure.JobMetricsRabbitAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.amqp.AmqpRejectAndDontRequeueException;
import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageListener;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.amqp.rabbit.config.ContainerCustomizer;
import org.springframework.amqp.rabbit.config.SimpleRabbitListenerContainerFactory;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitMessagingTemplate;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.listener.AbstractMessageListenerContainer;
import org.springframework.amqp.rabbit.listener.RabbitListenerEndpointRegistry;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * RabbitMQ listener containers as Spring Boot configures them, against a real RabbitMQ node: queue wait and lag
 * from the AMQP timestamp, failed deliveries told apart by what follows them, and container capacity. Shared by
 * every Spring Boot line ({@code compat/boot-3.5} and {@code compat/boot-4.0} run it with their Spring AMQP), so
 * Spring Boot's auto-configuration is named by class name.
 */
@ExtendWith({ RabbitBroker.class, OutputCaptureExtension.class })
class RabbitListenerMetricsTests {

	// A whole second: AMQP timestamps have a resolution of one second.
	static final long NOW = 1_800_000_000_000L;

	// Spring AMQP 3.x (Spring Boot 3.5) retries in memory with spring-retry, whose policy the starter cannot follow.
	static final boolean FOLLOWS_IN_MEMORY_RETRY = ClassUtils
		.isPresent("org.springframework.amqp.rabbit.config.StatelessRetryOperationsInterceptor", null);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(BootMetricsAutoConfigurations.with(RabbitBroker.rabbitAutoConfiguration(),
				JobMetricsAutoConfiguration.class, JobMetricsRabbitAutoConfiguration.class))
		.withBean(MockClock.class, RabbitListenerMetricsTests::clockAtNow);

	ApplicationContextRunner broker() {
		return this.contextRunner.withPropertyValues(RabbitBroker.properties());
	}

	@Test
	void observesTheQueueWaitOfEachTimestampedMessageAndFollowsTheNewest() {
		broker().withUserConfiguration(WaitListener.class).run((context) -> {
			WaitListener listener = context.getBean(WaitListener.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			send(context, WaitListener.QUEUE, "a", NOW - 42_000);
			await().until(() -> listener.received().size() == 1);
			send(context, WaitListener.QUEUE, "b", NOW - 5_000);
			await().until(() -> listener.received().size() == 2);
			// Older than the newest started message: the lag gauge does not go back.
			send(context, WaitListener.QUEUE, "c", NOW - 30_000);
			await().until(() -> listener.received().size() == 3);
			assertThat(lastEnqueued(registry, "payments")).isEqualTo((NOW - 5_000) / 1e3);
			// AMQP's timestamp is optional: a message without one is a run with no wait, not a made-up one.
			send(context, WaitListener.QUEUE, "d", null);
			await().until(() -> listener.received().size() == 4);
			Timer wait = registry.get("job.queue.wait").tags("job.name", "payments", "queue", WaitListener.QUEUE).timer();
			assertThat(wait.count()).isEqualTo(3);
			assertThat(wait.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(77_000);
			assertThat(wait.max(TimeUnit.MILLISECONDS)).isEqualTo(42_000);
			assertThat(executions(registry, "payments", "success")).isEqualTo(4);
			assertThat(registry.get("job.queue.wait.clock.skew").counter().count()).isZero();
			send(context, WaitListener.QUEUE, "e", NOW - 1_000);
			await().until(() -> listener.received().size() == 5);
			assertThat(lastEnqueued(registry, "payments")).isEqualTo((NOW - 1_000) / 1e3);
			// The header of RabbitMQ's timestamp interceptor has milliseconds, and wins over the property.
			context.getBean(RabbitTemplate.class).convertAndSend(WaitListener.QUEUE, "f", (message) -> {
				message.getMessageProperties().setTimestamp(new Date(NOW - 2_000));
				message.getMessageProperties().setHeader("timestamp_in_ms", NOW - 1_234);
				return message;
			});
			await().until(() -> listener.received().size() == 6);
			assertThat(wait.count()).isEqualTo(5);
			assertThat(wait.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(77_000 + 1_000 + 1_234);
		});
	}

	@Test
	void countsRequeuedAttemptsAsRetriesAndTheRejectedOneAsFailure() {
		broker().withUserConfiguration(RejectingListener.class).run((context) -> {
			RejectingListener listener = context.getBean(RejectingListener.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			send(context, RejectingListener.QUEUE, "poison", NOW - 10_000);
			await().until(() -> executions(registry, "rejecting", "failure") == 1);
			assertNothingMoreDelivered(context, RejectingListener.QUEUE, listener.attempts(), 3);
			assertThat(executions(registry, "rejecting", "retry")).isEqualTo(2);
			assertThat(executions(registry, "rejecting", "failure")).isEqualTo(1);
			assertThat(executions(registry, "rejecting", "success")).isZero();
			// Each delivery from the broker waited in the queue since the message was sent.
			assertThat(registry.get("job.queue.wait").tag("job.name", "rejecting").timer().count()).isEqualTo(3);
		});
	}

	@Test
	void countsTheDeliveryThatReachesTheDeliveryLimitOfADeclaredQuorumQueueAsFailure() {
		broker().withUserConfiguration(QuorumListener.class).run((context) -> {
			QuorumListener listener = context.getBean(QuorumListener.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			send(context, QuorumListener.QUEUE, "poison", NOW - 10_000);
			await().until(() -> executions(registry, "quorum", "failure") == 1);
			// The broker delivers it once, then returns it LIMIT times, then drops it.
			assertNothingMoreDelivered(context, QuorumListener.QUEUE, listener.attempts(), QuorumListener.LIMIT + 1);
			assertThat(executions(registry, "quorum", "retry")).isEqualTo(QuorumListener.LIMIT);
			assertThat(executions(registry, "quorum", "failure")).isEqualTo(1);
		});
	}

	@Test
	void takesTheDeliveryLimitOfQueuesDeclaredElsewhereFromTheProperty() throws Exception {
		declareQuorumQueue(ExternalQuorumListener.QUEUE, 1);
		broker().withUserConfiguration(ExternalQuorumListener.class)
			.withPropertyValues("job-metrics.amqp.delivery-limit=1")
			.run((context) -> {
				ExternalQuorumListener listener = context.getBean(ExternalQuorumListener.class);
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				send(context, ExternalQuorumListener.QUEUE, "poison", NOW - 10_000);
				await().until(() -> executions(registry, "external", "failure") == 1);
				assertNothingMoreDelivered(context, ExternalQuorumListener.QUEUE, listener.attempts(), 2);
				assertThat(executions(registry, "external", "retry")).isEqualTo(1);
				assertThat(executions(registry, "external", "failure")).isEqualTo(1);
			});
	}

	@Test
	void countsInMemoryRetriesOfSpringBootsRetryInterceptorAsRetriesAndTheLastAsFailure(CapturedOutput output) {
		broker().withUserConfiguration(RetriedListener.class)
			.withPropertyValues("spring.rabbitmq.listener.simple.retry.enabled=true",
					// Two retries: max-retries on Spring Boot 4, max-attempts (including the first) on 3.5.
					"spring.rabbitmq.listener.simple.retry.max-retries=2",
					"spring.rabbitmq.listener.simple.retry.max-attempts=3",
					"spring.rabbitmq.listener.simple.retry.initial-interval=10ms")
			.run((context) -> {
				RetriedListener listener = context.getBean(RetriedListener.class);
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				send(context, RetriedListener.QUEUE, "poison", NOW - 10_000);
				// Spring Boot's recoverer rejects it without requeueing once the retries are exhausted.
				assertNothingMoreDelivered(context, RetriedListener.QUEUE, listener.attempts(), 3);
				if (FOLLOWS_IN_MEMORY_RETRY) {
					assertThat(executions(registry, "retried", "retry")).isEqualTo(2);
					assertThat(executions(registry, "retried", "failure")).isEqualTo(1);
				}
				else {
					// spring-retry's interceptor: every attempt is a failure, and a warning says so.
					assertThat(executions(registry, "retried", "retry")).isZero();
					assertThat(executions(registry, "retried", "failure")).isEqualTo(3);
					assertThat(output).containsOnlyOnce("cannot follow spring-retry's stateless RetryOperationsInterceptor");
				}
				// One delivery from the broker: one wait, however many times it is tried in memory.
				Timer wait = registry.get("job.queue.wait").tag("job.name", "retried").timer();
				assertThat(wait.count()).isEqualTo(1);
				assertThat(wait.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(10_000);
			});
	}

	@Test
	void countsEveryAttemptOfStatefulRetryAsFailureSinceWhichIsTheLastIsNotKnown() {
		broker().withUserConfiguration(RetriedListener.class)
			.withPropertyValues("spring.rabbitmq.listener.simple.retry.enabled=true",
					"spring.rabbitmq.listener.simple.retry.stateless=false",
					"spring.rabbitmq.listener.simple.retry.max-retries=2",
					"spring.rabbitmq.listener.simple.retry.max-attempts=3",
					"spring.rabbitmq.listener.simple.retry.initial-interval=10ms")
			.run((context) -> {
				RetriedListener listener = context.getBean(RetriedListener.class);
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				context.getBean(RabbitTemplate.class).convertAndSend(RetriedListener.QUEUE, "poison", (message) -> {
					// Stateful retry recognises the message by its id when the broker delivers it again.
					message.getMessageProperties().setMessageId("poison-1");
					return message;
				});
				// Each attempt goes back to the broker; the interceptor gives up on the fourth delivery without
				// calling the listener, so no run can be told it was the last.
				assertNothingMoreDelivered(context, RetriedListener.QUEUE, listener.attempts(), 3);
				assertThat(executions(registry, "retried", "failure")).isEqualTo(3);
				assertThat(executions(registry, "retried", "retry")).isZero();
			});
	}

	@Test
	void readsTheAcknowledgeModeOfTheListenersOwnContainerNotOfItsFactory() {
		broker().withUserConfiguration(ManualAckListener.class).run((context) -> {
			ManualAckListener listener = context.getBean(ManualAckListener.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(context.getBean(RabbitListenerEndpointRegistry.class).getListenerContainer("manual"))
				.extracting("acknowledgeMode")
				.isEqualTo(AcknowledgeMode.MANUAL);
			send(context, ManualAckListener.QUEUE, "poison", NOW - 10_000);
			// The listener settles its messages: the container does not requeue this one, so nothing follows.
			await().until(() -> executions(registry, "manual", "failure") == 1);
			assertThat(executions(registry, "manual", "retry")).isZero();
			assertThat(listener.attempts()).hasValue(1);
		});
	}

	@Test
	void readsTheRequeueSettingThatAContainerCustomizerSets() {
		broker().withUserConfiguration(CustomizedListener.class).run((context) -> {
			CustomizedListener listener = context.getBean(CustomizedListener.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			send(context, CustomizedListener.QUEUE, "poison", NOW - 10_000);
			// The customizer turned requeueing off: the container rejects the message for good.
			await().until(() -> executions(registry, "customized", "failure") == 1);
			assertNothingMoreDelivered(context, CustomizedListener.QUEUE, listener.attempts(), 1);
			assertThat(executions(registry, "customized", "retry")).isZero();
		});
	}

	@Test
	void countsTheFailuresOfAContainerItCannotFindAsFailuresAndSaysSoOnce(CapturedOutput output) {
		broker().withUserConfiguration(UnregisteredContainer.class).run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			send(context, UnregisteredContainer.QUEUE, "one", NOW - 1_000);
			send(context, UnregisteredContainer.QUEUE, "two", NOW - 1_000);
			await().until(() -> executions(registry, "unregistered", "failure") == 2);
			assertThat(executions(registry, "unregistered", "retry")).isZero();
			assertThat(output).containsOnlyOnce("cannot tell which RabbitMQ listener container delivered a failed "
					+ "message from queue '" + UnregisteredContainer.QUEUE + "'");
		});
	}

	@Test
	void tracesRabbitListenersWithoutTracedJobOnceEach() {
		broker().withUserConfiguration(ZeroCodeListeners.class)
			.withPropertyValues("job-metrics.instrument.listeners=true")
			.run((context) -> {
				ZeroCodeListeners listeners = context.getBean(ZeroCodeListeners.class);
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				send(context, ZeroCodeListeners.PLAIN, "p1", NOW - 3_000);
				send(context, ZeroCodeListeners.PLAIN, "p2", NOW - 3_000);
				send(context, ZeroCodeListeners.EXPLICIT, "e1", NOW - 7_000);
				await().until(() -> listeners.received().size() == 3);
				await().until(() -> registry.find("job.executions").functionCounters().stream()
					.mapToDouble((counter) -> counter.count()).sum() == 3);
				assertThat(registry.get("job.executions")
					.tags("job.name", "ZeroCodeListeners.plain", "queue", ZeroCodeListeners.PLAIN, "result", "success")
					.functionCounter()
					.count()).isEqualTo(2);
				assertThat(executions(registry, "explicit", "success")).isEqualTo(1);
				assertThat(registry.find("job.executions").tag("job.name", "ZeroCodeListeners.explicit")
					.functionCounters())
					.allSatisfy((counter) -> assertThat(counter.count()).isZero());
				assertThat(registry.get("job.queue.wait").tag("job.name", "ZeroCodeListeners.plain").timer().count())
					.isEqualTo(2);
				assertThat(registry.get("job.queue.wait").tag("job.name", "explicit").timer().count()).isEqualTo(1);
			});
	}

	@Test
	void publishesTheMaximumConsumersOfEachContainerAsCapacity() {
		broker().withUserConfiguration(CapacityListener.class, ContainerBean.class).run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("job.worker.capacity")
				.tags("pool", "capacity", "queue", CapacityListener.QUEUE)
				.gauge()
				.value()).isEqualTo(5);
			assertThat(registry.get("job.worker.capacity")
				.tags("pool", "auditContainer", "queue", ContainerBean.QUEUE)
				.gauge()
				.value()).isEqualTo(2);
			// A container bean's deliveries are described too.
			send(context, ContainerBean.QUEUE, "audit", NOW - 4_000);
			await().until(() -> executions(registry, "audit", "success") == 1);
			assertThat(registry.get("job.queue.wait").tag("job.name", "audit").timer().totalTime(TimeUnit.MILLISECONDS))
				.isEqualTo(4_000);
		});
	}

	@Test
	void publishesTheConsumersOfDirectContainersAsCapacity() {
		broker().withUserConfiguration(DirectListener.class)
			.withPropertyValues("spring.rabbitmq.listener.type=direct",
					"spring.rabbitmq.listener.direct.consumers-per-queue=3")
			.run((context) -> assertThat(context.getBean(MeterRegistry.class)
				.get("job.worker.capacity")
				.tags("pool", "direct", "queue", DirectListener.QUEUE)
				.gauge()
				.value()).isEqualTo(3));
	}

	@Test
	void observesEveryMessageOfABatchInItsOneRun() throws Exception {
		publishBeforeStart(BatchListener.QUEUE, NOW - 9_000, NOW - 6_000, NOW - 3_000);
		broker().withUserConfiguration(BatchListener.class)
			.withPropertyValues("spring.rabbitmq.listener.simple.consumer-batch-enabled=true",
					"spring.rabbitmq.listener.simple.batch-size=3", "spring.rabbitmq.listener.simple.prefetch=3")
			.run((context) -> {
				BatchListener listener = context.getBean(BatchListener.class);
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				await().until(() -> executions(registry, "batch", "success") == 1);
				assertThat(listener.batches()).containsExactly(3);
				Timer wait = registry.get("job.queue.wait").tag("job.name", "batch").timer();
				assertThat(wait.count()).isEqualTo(3);
				assertThat(wait.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(18_000);
				assertThat(lastEnqueued(registry, "batch")).isEqualTo((NOW - 3_000) / 1e3);
			});
	}

	@Test
	void backsOffWithoutSpringAmqp() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(AbstractMessageListenerContainer.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(RabbitListenerMetrics.class));
	}

	@Test
	void aSpringMessageReceivedWithoutAListenerContainerWaitedFromItsAmqpTimestampNotFromItsHeadersTimestamp() {
		broker().withUserConfiguration(PolledImports.class).run((context) -> {
			RabbitMessagingTemplate messaging = context.getBean(RabbitMessagingTemplate.class);
			PolledImports imports = context.getBean(PolledImports.class);
			send(context, PolledImports.QUEUE, "stamped", NOW - 42_000);
			send(context, PolledImports.QUEUE, "unstamped", null);
			for (int i = 0; i < 2; i++) {
				// Spring builds the message's headers, and its "timestamp", as it receives it.
				imports.handle(await().until(() -> messaging.receive(PolledImports.QUEUE), Objects::nonNull));
			}
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(executions(registry, "polled", "success")).isEqualTo(2);
			// The publisher's send time, not the receive time; the message without one observes nothing.
			Timer wait = registry.get("job.queue.wait").tag("job.name", "polled").timer();
			assertThat(wait.count()).isOne();
			assertThat(wait.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(42_000);
		});
	}

	@Test
	void backsOffWhenJobMetricsIsDisabled() {
		this.contextRunner.withPropertyValues("job-metrics.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(RabbitListenerMetrics.class));
	}

	@Test
	void failsToStartWithADeliveryLimitBelowOne() {
		this.contextRunner.withPropertyValues("job-metrics.amqp.delivery-limit=0").run((context) -> {
			assertThat(context).hasFailed();
			Throwable cause = NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure());
			assertThat(cause).isInstanceOf(JobMetricsConfigurationException.class)
				.hasMessageContaining("job-metrics.amqp.delivery-limit");
		});
	}

	private static MockClock clockAtNow() {
		MockClock clock = new MockClock();
		clock.add(Duration.ofMillis(NOW - clock.wallTime()));
		return clock;
	}

	static void send(AssertableApplicationContext context, String queue, String payload, Long timestamp) {
		context.getBean(RabbitTemplate.class).convertAndSend(queue, payload, (message) -> {
			if (timestamp != null) {
				message.getMessageProperties().setTimestamp(new Date(timestamp));
			}
			return message;
		});
	}

	// Declared by someone else than the application, as operators often do.
	private static void declareQuorumQueue(String queue, int deliveryLimit) throws Exception {
		ConnectionFactory factory = new ConnectionFactory();
		factory.setHost("127.0.0.1");
		factory.setPort(RabbitBroker.port());
		try (Connection connection = factory.newConnection(); Channel channel = connection.createChannel()) {
			channel.queueDeclare(queue, true, false, false,
					Map.of("x-queue-type", "quorum", "x-delivery-limit", deliveryLimit));
		}
	}

	// Before the listener container starts, so that it finds the whole batch waiting.
	private static void publishBeforeStart(String queue, long... timestamps) throws Exception {
		ConnectionFactory factory = new ConnectionFactory();
		factory.setHost("127.0.0.1");
		factory.setPort(RabbitBroker.port());
		try (Connection connection = factory.newConnection(); Channel channel = connection.createChannel()) {
			channel.queueDeclare(queue, false, false, false, null);
			channel.queuePurge(queue);
			for (long timestamp : timestamps) {
				AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().timestamp(new Date(timestamp))
					.contentType("text/plain")
					.build();
				channel.basicPublish("", queue, properties, Long.toString(timestamp).getBytes());
			}
		}
	}

	// No delivery follows the last one counted: the broker dropped the message.
	static void assertNothingMoreDelivered(AssertableApplicationContext context, String queue,
			AtomicInteger attempts, int expected) {
		AmqpAdmin admin = context.getBean(AmqpAdmin.class);
		await().atMost(Duration.ofSeconds(5)).during(Duration.ofMillis(500)).untilAsserted(() -> {
			assertThat(attempts).hasValue(expected);
			assertThat(admin.getQueueInfo(queue).getMessageCount()).isZero();
		});
	}

	static double executions(MeterRegistry registry, String job, String result) {
		var counter = registry.find("job.executions").tags("job.name", job, "result", result).functionCounter();
		return (counter != null) ? counter.count() : 0;
	}

	private static double lastEnqueued(MeterRegistry registry, String job) {
		return registry.get("job.queue.last.enqueued.timestamp").tag("job.name", job).gauge().value();
	}

	@Configuration(proxyBeanMethods = false)
	static class WaitListener {

		static final String QUEUE = "jm.wait";

		final List<String> received = new CopyOnWriteArrayList<>();

		// Through a method: the bean is a proxy, whose own fields are not set.
		public List<String> received() {
			return this.received;
		}

		@Bean
		Queue waitQueue() {
			return new Queue(QUEUE, false);
		}

		@RabbitListener(id = "wait", queues = QUEUE)
		@TracedJob(name = "payments", queue = QUEUE)
		public void handle(String payload) {
			this.received.add(payload);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class RejectingListener {

		static final String QUEUE = "jm.rejecting";

		final AtomicInteger attempts = new AtomicInteger();

		public AtomicInteger attempts() {
			return this.attempts;
		}

		@Bean
		Queue rejectingQueue() {
			return new Queue(QUEUE, false);
		}

		// Requeued twice (the container's default), then rejected for good.
		@RabbitListener(queues = QUEUE)
		@TracedJob(name = "rejecting", queue = QUEUE)
		public void handle(String payload) {
			if (this.attempts.incrementAndGet() < 3) {
				throw new IllegalStateException("not yet");
			}
			throw new AmqpRejectAndDontRequeueException("poison");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class QuorumListener {

		static final String QUEUE = "jm.quorum";

		static final int LIMIT = 2;

		final AtomicInteger attempts = new AtomicInteger();

		public AtomicInteger attempts() {
			return this.attempts;
		}

		@Bean
		Queue quorumQueue() {
			return QueueBuilder.durable(QUEUE).quorum().deliveryLimit(LIMIT).build();
		}

		@RabbitListener(queues = QUEUE)
		@TracedJob(name = "quorum", queue = QUEUE)
		public void handle(String payload) {
			this.attempts.incrementAndGet();
			throw new IllegalStateException("always");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ExternalQuorumListener {

		static final String QUEUE = "jm.external-quorum";

		final AtomicInteger attempts = new AtomicInteger();

		public AtomicInteger attempts() {
			return this.attempts;
		}

		@RabbitListener(queues = QUEUE)
		@TracedJob(name = "external", queue = QUEUE)
		public void handle(String payload) {
			this.attempts.incrementAndGet();
			throw new IllegalStateException("always");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class RetriedListener {

		static final String QUEUE = "jm.retried";

		final AtomicInteger attempts = new AtomicInteger();

		public AtomicInteger attempts() {
			return this.attempts;
		}

		@Bean
		Queue retriedQueue() {
			return new Queue(QUEUE, false);
		}

		@RabbitListener(queues = QUEUE)
		@TracedJob(name = "retried", queue = QUEUE)
		public void handle(String payload) {
			this.attempts.incrementAndGet();
			throw new IllegalStateException("always");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ManualAckListener {

		static final String QUEUE = "jm.manual";

		final AtomicInteger attempts = new AtomicInteger();

		public AtomicInteger attempts() {
			return this.attempts;
		}

		@Bean
		Queue manualQueue() {
			return new Queue(QUEUE, false);
		}

		// Never acknowledges: the message stays unacknowledged until the channel closes with the context.
		@RabbitListener(id = "manual", queues = QUEUE, ackMode = "MANUAL")
		@TracedJob(name = "manual", queue = QUEUE)
		public void handle(String payload) {
			this.attempts.incrementAndGet();
			throw new IllegalStateException("always");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CustomizedListener {

		static final String QUEUE = "jm.customized";

		final AtomicInteger attempts = new AtomicInteger();

		public AtomicInteger attempts() {
			return this.attempts;
		}

		@Bean
		Queue customizedQueue() {
			return new Queue(QUEUE, false);
		}

		@Bean
		ContainerCustomizer<SimpleMessageListenerContainer> noRequeue() {
			return (container) -> container.setDefaultRequeueRejected(false);
		}

		@RabbitListener(queues = QUEUE)
		@TracedJob(name = "customized", queue = QUEUE)
		public void handle(String payload) {
			this.attempts.incrementAndGet();
			throw new IllegalStateException("always");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UnregisteredContainer {

		static final String QUEUE = "jm.unregistered";

		@Bean
		Queue unregisteredQueue() {
			return new Queue(QUEUE, false);
		}

		@Bean
		RejectingJob rejectingJob() {
			return new RejectingJob();
		}

		// Made from the factory (so it has the factory's advice) and run by the application: neither a container
		// bean nor in the listener endpoint registry.
		@Bean
		SmartLifecycle unregisteredContainerRunner(SimpleRabbitListenerContainerFactory factory, RejectingJob job) {
			SimpleMessageListenerContainer container = factory.createListenerContainer();
			container.setQueueNames(QUEUE);
			container.setMessageListener(job);
			container.afterPropertiesSet();
			return new SmartLifecycle() {

				@Override
				public void start() {
					container.start();
				}

				@Override
				public void stop() {
					container.stop();
				}

				@Override
				public boolean isRunning() {
					return container.isRunning();
				}

			};
		}

	}

	// A listener the container calls itself: only such a run claims the delivery (a lambda's traced call would not).
	static class RejectingJob implements MessageListener {

		@Override
		@TracedJob(name = "unregistered", queue = UnregisteredContainer.QUEUE)
		public void onMessage(Message message) {
			throw new AmqpRejectAndDontRequeueException("poison");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ZeroCodeListeners {

		static final String PLAIN = "jm.plain";

		static final String EXPLICIT = "jm.explicit";

		final List<String> received = new CopyOnWriteArrayList<>();

		// Through a method: the bean is a proxy, whose own fields are not set.
		public List<String> received() {
			return this.received;
		}

		@Bean
		Queue plainQueue() {
			return new Queue(PLAIN, false);
		}

		@Bean
		Queue explicitQueue() {
			return new Queue(EXPLICIT, false);
		}

		@RabbitListener(queues = PLAIN)
		public void plain(String payload) {
			this.received.add(payload);
		}

		@RabbitListener(queues = EXPLICIT)
		@TracedJob(name = "explicit", queue = EXPLICIT)
		public void explicit(String payload) {
			this.received.add(payload);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CapacityListener {

		static final String QUEUE = "jm.capacity";

		@Bean
		Queue capacityQueue() {
			return new Queue(QUEUE, false);
		}

		@RabbitListener(id = "capacity", queues = QUEUE, concurrency = "2-5")
		public void handle(String payload) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class DirectListener {

		static final String QUEUE = "jm.direct";

		@Bean
		Queue directQueue() {
			return new Queue(QUEUE, false);
		}

		@RabbitListener(id = "direct", queues = QUEUE)
		public void handle(String payload) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ContainerBean {

		static final String QUEUE = "jm.audit";

		@Bean
		Queue auditQueue() {
			return new Queue(QUEUE, false);
		}

		@Bean
		AuditJob auditJob() {
			return new AuditJob();
		}

		@Bean
		SimpleMessageListenerContainer auditContainer(CachingConnectionFactory connectionFactory, AuditJob job) {
			SimpleMessageListenerContainer container = new SimpleMessageListenerContainer(connectionFactory);
			container.setQueueNames(QUEUE);
			container.setConcurrentConsumers(2);
			container.setMessageListener(job);
			return container;
		}

	}

	static class AuditJob implements MessageListener {

		@Override
		@TracedJob(name = "audit", queue = ContainerBean.QUEUE)
		public void onMessage(Message message) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PolledImports {

		static final String QUEUE = "jm.polled";

		@Bean
		Queue polledQueue() {
			return new Queue(QUEUE, false);
		}

		@TracedJob(name = "polled", queue = QUEUE)
		public void handle(org.springframework.messaging.Message<?> message) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BatchListener {

		static final String QUEUE = "jm.batch";

		final List<Integer> batches = new CopyOnWriteArrayList<>();

		public List<Integer> batches() {
			return this.batches;
		}

		@RabbitListener(queues = QUEUE, batch = "true")
		@TracedJob(name = "batch", queue = QUEUE)
		public void handle(List<Message> messages) {
			this.batches.add(messages.size());
		}

	}

}
