package io.github.jobmetrics.messaging.amqp;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.jobmetrics.BootMetricsAutoConfigurations;
import io.github.jobmetrics.TracedJob;
import io.github.jobmetrics.autoconfigure.JobMetricsAutoConfiguration;
import io.github.jobmetrics.autoconfigure.JobMetricsHeartbeatAutoConfiguration;
import io.github.jobmetrics.autoconfigure.JobMetricsRabbitAutoConfiguration;
import io.github.jobmetrics.heartbeat.HeartbeatScheduler;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.annotation.EnableRabbit;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.amqp.rabbit.listener.RabbitListenerEndpointRegistry;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static io.github.jobmetrics.heartbeat.HeartbeatReadings.consumed;
import static io.github.jobmetrics.heartbeat.HeartbeatReadings.sent;
import static io.github.jobmetrics.heartbeat.HeartbeatReadings.timestamp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * RabbitMQ heartbeats against a real RabbitMQ node, with Spring Boot's listener containers and the application's
 * own {@code RabbitTemplate}.
 */
@ExtendWith(RabbitBroker.class)
class RabbitHeartbeatsTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(BootMetricsAutoConfigurations.with(RabbitBroker.rabbitAutoConfiguration(),
				JobMetricsAutoConfiguration.class, JobMetricsRabbitAutoConfiguration.class,
				JobMetricsHeartbeatAutoConfiguration.class))
		.withPropertyValues(RabbitBroker.properties())
		.withPropertyValues("job-metrics.heartbeat.interval=100ms");

	@Test
	void heartbeatsNeverReachTheListenerAreNotRunsAndAreAllConsumed() {
		this.contextRunner.withUserConfiguration(Shipments.class)
			.withPropertyValues("job-metrics.heartbeat.rabbit.queues=" + Shipments.QUEUE)
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				await().atMost(WAIT).until(() -> consumed(registry, Shipments.QUEUE) >= 3);
				double first = timestamp(registry, Shipments.QUEUE);
				context.getBean(RabbitTemplate.class).convertAndSend(Shipments.QUEUE, "shipment-1");
				Shipments listener = context.getBean(Shipments.class);
				await().atMost(WAIT).until(() -> listener.received().size() == 1);
				await().atMost(WAIT).until(() -> timestamp(registry, Shipments.QUEUE) > first);
				context.getBean(HeartbeatScheduler.class).stop();
				await().atMost(WAIT)
					.until(() -> consumed(registry, Shipments.QUEUE) == sent(registry, Shipments.QUEUE));
				assertThat(listener.received()).containsExactly("shipment-1");
				assertThat(registry.get("job.executions").tags("job.name", "shipments").functionCounters().stream()
					.mapToDouble(FunctionCounter::count)
					.sum()).isEqualTo(1);
				// Heartbeats carry an AMQP timestamp, the real message none: a heartbeat run would have a queue wait.
				assertThat(registry.find("job.queue.wait").tags("job.name", "shipments").timer()).isNull();
			});
	}

	@Test
	void heartbeatsThatTheBrokerDropsShowInSentMinusConsumed() {
		// A queue that keeps one message and drops the older ones, while its consumers are stopped: a broker losing
		// heartbeats.
		this.contextRunner.withUserConfiguration(BoundedQueue.class)
			.withPropertyValues("job-metrics.heartbeat.rabbit.queues=" + BoundedQueue.QUEUE,
					"spring.rabbitmq.listener.simple.auto-startup=false")
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				await().atMost(WAIT).until(() -> sent(registry, BoundedQueue.QUEUE) >= 5);
				context.getBean(HeartbeatScheduler.class).stop();
				context.getBean(RabbitListenerEndpointRegistry.class).start();
				await().atMost(WAIT).until(() -> consumed(registry, BoundedQueue.QUEUE) == 1);
				assertThat(sent(registry, BoundedQueue.QUEUE) - consumed(registry, BoundedQueue.QUEUE))
					.isGreaterThanOrEqualTo(4);
				assertThat(context.getBean(BoundedQueue.class).received()).isEmpty();
			});
	}

	@Test
	void aListenerContainerBeanOfTheApplicationGetsNoHeartbeat() {
		this.contextRunner.withUserConfiguration(ContainerBean.class)
			.withPropertyValues("job-metrics.heartbeat.rabbit.queues=" + ContainerBean.QUEUE)
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				await().atMost(WAIT).until(() -> consumed(registry, ContainerBean.QUEUE) >= 3);
				context.getBean(RabbitTemplate.class).convertAndSend(ContainerBean.QUEUE, "refund-1");
				ContainerBean bean = context.getBean(ContainerBean.class);
				await().atMost(WAIT).until(() -> bean.received().size() == 1);
				await().atMost(WAIT).until(() -> consumed(registry, ContainerBean.QUEUE) >= 6);
				assertThat(bean.received()).containsExactly("refund-1");
			});
	}

	@Configuration(proxyBeanMethods = false)
	@EnableRabbit
	static class Shipments {

		static final String QUEUE = "heartbeat-shipments";

		private final List<String> received = new CopyOnWriteArrayList<>();

		@Bean
		Queue shipmentsQueue() {
			return new Queue(QUEUE, false, false, true);
		}

		@RabbitListener(queues = QUEUE)
		@TracedJob(name = "shipments", queue = QUEUE)
		public void onShipment(String body) {
			this.received.add(body);
		}

		List<String> received() {
			return this.received;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableRabbit
	static class BoundedQueue {

		static final String QUEUE = "heartbeat-bounded";

		private final List<String> received = new CopyOnWriteArrayList<>();

		@Bean
		Queue boundedQueue() {
			return new Queue(QUEUE, false, false, true, Map.of("x-max-length", 1));
		}

		@RabbitListener(queues = QUEUE)
		public void onMessage(String body) {
			this.received.add(body);
		}

		List<String> received() {
			return this.received;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ContainerBean {

		static final String QUEUE = "heartbeat-refunds";

		private final List<String> received = new CopyOnWriteArrayList<>();

		@Bean
		Queue refundsQueue() {
			return new Queue(QUEUE, false, false, true);
		}

		@Bean
		SimpleMessageListenerContainer refundsContainer(ConnectionFactory connectionFactory) {
			SimpleMessageListenerContainer container = new SimpleMessageListenerContainer(connectionFactory);
			container.setQueueNames(QUEUE);
			container.setMessageListener((message) -> this.received.add(new String(message.getBody())));
			return container;
		}

		List<String> received() {
			return this.received;
		}

	}

}
