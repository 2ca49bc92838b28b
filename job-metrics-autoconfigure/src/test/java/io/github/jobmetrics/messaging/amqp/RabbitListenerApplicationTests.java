package io.github.jobmetrics.messaging.amqp;

import java.util.Date;
import java.util.concurrent.TimeUnit;

import io.github.jobmetrics.TracedJob;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A plain application with one {@code @RabbitListener}, nothing but auto-configuration (the starter's, found
 * through its {@code AutoConfiguration.imports}, and Spring Boot's), against a real RabbitMQ node: it starts and
 * traces the message. Shared by every Spring Boot line: on 3.5 and 4.0 this application did not start (a
 * {@code NoClassDefFoundError} for Spring AMQP 4.1's {@code org.springframework.amqp.core.MessageListenerContainer}).
 */
@ExtendWith(RabbitBroker.class)
// Embedded Artemis, where its server is on the test classpath, has nothing to do with this application.
@SpringBootTest(properties = "spring.autoconfigure.exclude="
		+ "org.springframework.boot.artemis.autoconfigure.ArtemisAutoConfiguration,"
		+ "org.springframework.boot.autoconfigure.jms.artemis.ArtemisAutoConfiguration")
class RabbitListenerApplicationTests {

	@Autowired
	private RabbitTemplate rabbitTemplate;

	@Autowired
	private MeterRegistry meterRegistry;

	@Autowired
	private RabbitListenerMetrics rabbitListenerMetrics;

	@DynamicPropertySource
	static void broker(DynamicPropertyRegistry registry) {
		registry.add("spring.rabbitmq.host", () -> "127.0.0.1");
		registry.add("spring.rabbitmq.port", RabbitBroker::port);
	}

	@Test
	void startsAndTracesAMessageOfItsListener() {
		assertThat(this.rabbitListenerMetrics).isNotNull();
		// A minute ago by the broker's clock, which is this machine's.
		long sent = System.currentTimeMillis() - 60_000;
		this.rabbitTemplate.convertAndSend(Orders.QUEUE, "order-1", (message) -> {
			message.getMessageProperties().setTimestamp(new Date(sent));
			return message;
		});
		await().until(() -> {
			var executions = this.meterRegistry.find("job.executions")
				.tags("job.name", "orders", "result", "success")
				.functionCounter();
			return executions != null && executions.count() == 1;
		});
		Timer wait = this.meterRegistry.get("job.queue.wait").tag("job.name", "orders").timer();
		assertThat(wait.count()).isEqualTo(1);
		// AMQP timestamps have whole seconds.
		assertThat(wait.totalTime(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(59_000);
		assertThat(this.meterRegistry.get("job.worker.capacity").tag("pool", "orders").gauge().value()).isEqualTo(1);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class Orders {

		static final String QUEUE = "jm.app.orders";

		@Bean
		Queue ordersQueue() {
			return new Queue(QUEUE, false);
		}

		@RabbitListener(id = "orders", queues = QUEUE)
		@TracedJob(name = "orders", queue = QUEUE)
		public void handle(String order) {
		}

	}

}
