package io.github.jobmetrics.messaging.amqp;

import java.util.concurrent.atomic.AtomicInteger;

import io.github.jobmetrics.TracedJob;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.resilience.annotation.ResilientMethodsConfiguration;
import org.springframework.resilience.annotation.Retryable;

import static io.github.jobmetrics.messaging.amqp.RabbitListenerMetricsTests.NOW;
import static io.github.jobmetrics.messaging.amqp.RabbitListenerMetricsTests.assertNothingMoreDelivered;
import static io.github.jobmetrics.messaging.amqp.RabbitListenerMetricsTests.executions;
import static io.github.jobmetrics.messaging.amqp.RabbitListenerMetricsTests.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A {@code @Retryable} RabbitMQ listener (Spring Framework 7's resilience annotations, so not on Spring Boot 3.5):
 * every in-process attempt takes the broker's verdict on what follows it.
 */
@ExtendWith(RabbitBroker.class)
class RabbitRetryableListenerTests {

	private final RabbitListenerMetricsTests rabbit = new RabbitListenerMetricsTests();

	@Test
	void countsTheLastAttemptOfARetryableListenerAsRetryWhileTheQuorumQueueReturnsTheMessage() {
		this.rabbit.broker().withUserConfiguration(ResilientMethodsConfiguration.class, RetryableQuorumListener.class)
			.run((context) -> {
				RetryableQuorumListener listener = context.getBean(RetryableQuorumListener.class);
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				send(context, RetryableQuorumListener.QUEUE, "poison", NOW - 10_000);
				// Two deliveries (the queue returns it once), each tried twice by Spring: only after the fourth
				// attempt does nothing try again.
				await().until(() -> listener.attempts().get() == 4);
				assertNothingMoreDelivered(context, RetryableQuorumListener.QUEUE, listener.attempts(), 4);
				await().until(() -> executions(registry, "retryable-quorum", "failure")
						+ executions(registry, "retryable-quorum", "retry") == 4);
				assertThat(executions(registry, "retryable-quorum", "retry")).isEqualTo(3);
				assertThat(executions(registry, "retryable-quorum", "failure")).isEqualTo(1);
				// One wait per delivery from the broker.
				assertThat(registry.get("job.queue.wait").tag("job.name", "retryable-quorum").timer().count())
					.isEqualTo(2);
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class RetryableQuorumListener {

		static final String QUEUE = "jm.retryable-quorum";

		final AtomicInteger attempts = new AtomicInteger();

		public AtomicInteger attempts() {
			return this.attempts;
		}

		@Bean
		Queue retryableQuorumQueue() {
			return QueueBuilder.durable(QUEUE).quorum().deliveryLimit(1).build();
		}

		@RabbitListener(queues = QUEUE)
		@TracedJob(name = "retryable-quorum", queue = QUEUE)
		@Retryable(maxRetries = 1, delay = 0)
		public void handle(String payload) {
			this.attempts.incrementAndGet();
			throw new IllegalStateException("always");
		}

	}

}
