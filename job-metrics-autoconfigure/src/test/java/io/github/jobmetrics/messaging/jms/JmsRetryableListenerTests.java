package io.github.jobmetrics.messaging.jms;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.jobmetrics.TracedJob;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.jms.annotation.JmsListener;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.resilience.annotation.ResilientMethodsConfiguration;
import org.springframework.resilience.annotation.Retryable;

import static io.github.jobmetrics.messaging.jms.JmsListenersTests.contextRunner;
import static io.github.jobmetrics.messaging.jms.JmsListenersTests.executions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A JMS listener with Spring Framework 7's {@code @Retryable} against embedded Artemis: apart from
 * {@link JmsListenersTests}, because Spring Framework 6.2 (Spring Boot 3.5) has no {@code @Retryable}, so
 * {@code compat/boot-3.5} leaves this class out.
 */
class JmsRetryableListenerTests {

	@Test
	void attemptsOfARetryableListenerAreRetriesWhileArtemisWillDeliverTheMessageAgain() {
		// Spring tries each delivery three times in memory, and Artemis delivers the message twice: six attempts,
		// and only after the last does nothing retry it.
		BootJmsAutoConfigurations.withMaxDeliveryAttempts(contextRunner, 2)
			.withUserConfiguration(ResilientMethodsConfiguration.class, RetryableListener.class)
			.withPropertyValues("job-metrics.jms.max-deliveries=2")
			.run((context) -> {
				context.getBean(JmsTemplate.class).convertAndSend("retried", "poison");
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				await().atMost(Duration.ofSeconds(30))
					.untilAsserted(() -> assertThat(executions(registry, "retried", "failure")).isOne());
				assertThat(executions(registry, "retried", "retry")).isEqualTo(5);
				assertThat(context.getBean(RetryableListener.class).attempts()).isEqualTo(6);
				// One wait per delivery from the broker, however many times Spring tries it in memory.
				assertThat(registry.get("job.queue.wait").tag("job.name", "retried").timer().count()).isEqualTo(2);
			});
	}

	static class RetryableListener {

		private final AtomicInteger attempts = new AtomicInteger();

		@JmsListener(destination = "retried")
		@TracedJob(name = "retried", queue = "retried")
		@Retryable(maxRetries = 2, delay = 0)
		public void onMessage(String body) {
			this.attempts.incrementAndGet();
			throw new IllegalStateException("Cannot process " + body);
		}

		public int attempts() {
			return this.attempts.get();
		}

	}

}
