package io.github.jobmetrics.messaging.amqp;

import java.util.Date;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.example.readme.RabbitTimestamps;
import io.github.jobmetrics.BootMetricsAutoConfigurations;
import io.github.jobmetrics.TracedJob;
import io.github.jobmetrics.autoconfigure.JobMetricsAutoConfiguration;
import io.github.jobmetrics.autoconfigure.JobMetricsRabbitAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The README's {@link RabbitTimestamps} against a real broker. Apart from {@link RabbitListenerMetricsTests} because
 * the example uses Spring Boot 4's {@code RabbitTemplateCustomizer} package, which Spring Boot 3.5 does not have.
 */
@ExtendWith(RabbitBroker.class)
class RabbitTimestampsReadmeTests {

	private static final long SENT = 1_800_000_000_000L - 8_000;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(BootMetricsAutoConfigurations.with(RabbitBroker.rabbitAutoConfiguration(),
				JobMetricsAutoConfiguration.class, JobMetricsRabbitAutoConfiguration.class))
		.withPropertyValues(RabbitBroker.properties());

	@Test
	void readmeRabbitTemplateCustomizerStampsMessagesThatHaveNoTimestamp() {
		this.contextRunner.withUserConfiguration(RabbitTimestamps.class, StampedListener.class).run((context) -> {
			StampedListener listener = context.getBean(StampedListener.class);
			long before = System.currentTimeMillis();
			RabbitTemplate template = context.getBean(RabbitTemplate.class);
			template.convertAndSend(StampedListener.QUEUE, "stamped");
			template.convertAndSend(StampedListener.QUEUE, "kept", (message) -> {
				message.getMessageProperties().setTimestamp(new Date(SENT));
				return message;
			});
			await().until(() -> listener.timestamps().size() == 2);
			long after = System.currentTimeMillis();
			// Whole seconds on the wire.
			assertThat(listener.timestamps().get(0)).isBetween(before / 1000 * 1000, after);
			assertThat(listener.timestamps().get(1)).isEqualTo(SENT);
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class StampedListener {

		static final String QUEUE = "jm.stamped";

		final List<Long> timestamps = new CopyOnWriteArrayList<>();

		@Bean
		Queue stampedQueue() {
			return new Queue(QUEUE, false);
		}

		public List<Long> timestamps() {
			return this.timestamps;
		}

		@RabbitListener(queues = QUEUE)
		@TracedJob(name = "stamped", queue = QUEUE)
		public void handle(Message message) {
			this.timestamps.add(message.getMessageProperties().getTimestamp().getTime());
		}

	}

}
