package io.github.jobmetrics.messaging.kafka;

import java.util.concurrent.TimeUnit;

import io.github.jobmetrics.TracedJob;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.resilience.annotation.ResilientMethodsConfiguration;
import org.springframework.resilience.annotation.Retryable;
import org.springframework.util.backoff.FixedBackOff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Kafka listener with Spring Framework 7's {@code @Retryable}, tried in memory before the error handler sees the
 * failure, on a real broker (spring-kafka-test's embedded one) with the listener container factory that Spring Boot
 * auto-configures and an application error handler that delivers a record three times. Apart from
 * {@link KafkaListenersTests}, because Spring Framework 6.2 (Spring Boot 3.5) has no {@code @Retryable}, so
 * {@code compat/boot-3.5} leaves this class out.
 */
@SpringBootTest(classes = KafkaRetryableListenerTests.App.class, webEnvironment = WebEnvironment.NONE,
		properties = { "spring.kafka.consumer.auto-offset-reset=earliest", "job-metrics.kafka.max-attempts=3" })
@EmbeddedKafka(partitions = 1, topics = "settlements", bootstrapServersProperty = "spring.kafka.bootstrap-servers")
class KafkaRetryableListenerTests {

	@Autowired
	private MeterRegistry registry;

	@Autowired
	private KafkaTemplate<String, String> kafka;

	@Test
	void countsTheLastAttemptOfARetryableListenerAsRetryWhileTheErrorHandlerDeliversTheRecordAgain()
			throws Exception {
		this.kafka.send(new ProducerRecord<>("settlements", "poison-1")).get(10, TimeUnit.SECONDS);
		// Three deliveries (FixedBackOff(0, 2)), each tried twice by Spring: only after the sixth attempt does
		// nothing try again.
		await().atMost(20, TimeUnit.SECONDS)
			.until(() -> executions("settlement", "retry") + executions("settlement", "failure") == 6);
		assertThat(executions("settlement", "retry")).isEqualTo(5);
		assertThat(executions("settlement", "failure")).isEqualTo(1);
		// One wait per delivery from the broker.
		assertThat(this.registry.get("job.queue.wait").tags("job.name", "settlement").timer().count()).isEqualTo(3);
	}

	private double executions(String job, String result) {
		FunctionCounter counter = this.registry.find("job.executions").tags("job.name", job, "result", result)
			.functionCounter();
		return (counter != null) ? counter.count() : 0;
	}

	@Configuration(proxyBeanMethods = false)
	@Import({ BootKafkaAutoConfigurations.class, ResilientMethodsConfiguration.class })
	static class App {

		@Bean
		DefaultErrorHandler errorHandler() {
			return new DefaultErrorHandler(new FixedBackOff(0, 2));
		}

		@Bean
		Settlements settlements() {
			return new Settlements();
		}

	}

	static class Settlements {

		@TracedJob(name = "settlement", queue = "settlements")
		@KafkaListener(id = "settlements", topics = "settlements")
		@Retryable(maxRetries = 1, delay = 0)
		public void settle(String settlement) {
			throw new IllegalStateException("Cannot settle " + settlement);
		}

	}

}
