package com.example.readme;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import com.example.readme.PaymentListener.Upload;
import io.github.jobmetrics.BootMetricsAutoConfigurations;
import io.github.jobmetrics.autoconfigure.JobMetricsAutoConfiguration;
import io.github.jobmetrics.autoconfigure.JobMetricsJmsAutoConfiguration;
import io.github.jobmetrics.messaging.jms.BootJmsAutoConfigurations;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jms.core.JmsTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Runs the README's message listener examples ({@link PaymentListener}) on an embedded Artemis broker.
 */
class ReadmeListenerTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(BootMetricsAutoConfigurations.with(JobMetricsAutoConfiguration.class,
				JobMetricsJmsAutoConfiguration.class))
		.withConfiguration(BootJmsAutoConfigurations.artemisAndJms())
		.withPropertyValues("spring.artemis.mode=embedded")
		.withBean(Invoices.class)
		.withBean(PaymentListener.class);

	@Test
	void listenerExampleObservesTheQueueWaitOfEachMessageAndPublishesItsCapacity() {
		this.contextRunner.run((context) -> {
			JmsTemplate jms = context.getBean(JmsTemplate.class);
			for (int i = 0; i < 3; i++) {
				jms.convertAndSend("payments", "p-" + i);
			}
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			await().atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> assertThat(registry.get("job.executions")
					.tags("job.name", "payments", "result", "success")
					.functionCounter()
					.count()).isEqualTo(3));
			assertThat(registry.get("job.queue.wait").tags("job.name", "payments", "queue", "payments").timer().count())
				.isEqualTo(3);
			assertThat(registry.get("job.worker.capacity").tag("queue", "payments").gauge().value()).isEqualTo(10);
		});
	}

	@Test
	void enqueuedAtExampleTakesTheEnqueueTimeFromThePayload() {
		this.contextRunner.run((context) -> {
			Instant uploadedAt = Instant.now().minusSeconds(90);
			context.getBean(PaymentListener.class).importFile(new Upload("statement.csv", uploadedAt));
			Timer wait = context.getBean(MeterRegistry.class)
				.get("job.queue.wait")
				.tags("job.name", "imports", "queue", "uploads")
				.timer();
			assertThat(wait.count()).isOne();
			assertThat(wait.totalTime(TimeUnit.SECONDS)).isBetween(90.0, 100.0);
		});
	}

}
