package io.github.jobmetrics.messaging.kafka;

import io.github.jobmetrics.TracedJob;

import org.springframework.context.annotation.Import;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.resilience.annotation.ResilientMethodsConfiguration;
import org.springframework.resilience.annotation.Retryable;

/**
 * Spring's {@code @Retryable} on a Kafka listener of {@link KafkaListenersTests}, tried in memory before the error
 * handler sees the failure. A class of its own, imported by name, because Spring Framework 6.2 (Spring Boot 3.5) has
 * no {@code @Retryable}. Not a {@code @Configuration}, so that the component scan of another test's application
 * never finds it: its {@code @Import} applies where {@link BootKafkaAutoConfigurations} imports it.
 */
@Import(ResilientMethodsConfiguration.class)
class RetryableSettlements {

	@TracedJob(name = "settlement", queue = "settlements")
	@KafkaListener(id = "settlements", topics = "settlements")
	@Retryable(maxRetries = 1, delay = 0)
	public void settle(String settlement) {
		throw new IllegalStateException("Cannot settle " + settlement);
	}

}
