package io.github.jobmetrics.heartbeat;

import java.util.ArrayList;
import java.util.List;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.aop.framework.ProxyFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the advice of {@link RabbitHeartbeats} around a container's delivery, as Spring AMQP's advice chain
 * calls it ({@code invokeListener(Channel, Object)}), for the batches of a batch listener, which the broker tests do
 * not send.
 */
class RabbitHeartbeatReceiverTests {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final HeartbeatMeters meters = new HeartbeatMeters(this.registry, (queue) -> queue);

	private final List<Object> delivered = new ArrayList<>();

	private final Delivery delivery = advised();

	@Test
	void aBatchReachesTheListenerWithoutItsHeartbeats() {
		Message real = message("order-1", null);
		this.delivery.invokeListener(null, List.of(heartbeat(1_000), real, heartbeat(2_000)));
		assertThat(this.delivered).containsExactly(List.of(real));
		assertThat(this.registry.get("job.queue.heartbeats.consumed").counter().count()).isEqualTo(2);
		assertThat(this.registry.get("job.queue.heartbeat.timestamp").gauge().value()).isEqualTo(2.0);
	}

	@Test
	void aBatchOfHeartbeatsOnlyNeverReachesTheListener() {
		this.delivery.invokeListener(null, List.of(heartbeat(1_000), heartbeat(2_000)));
		assertThat(this.delivered).isEmpty();
	}

	@Test
	void aBatchWithoutHeartbeatsIsPassedAsItIs() {
		List<Message> batch = List.of(message("order-1", null), message("order-2", null));
		this.delivery.invokeListener(null, batch);
		assertThat(this.delivered).singleElement().isSameAs(batch);
	}

	private Delivery advised() {
		ProxyFactory factory = new ProxyFactory((Delivery) (channel, data) -> this.delivered.add(data));
		factory.addInterface(Delivery.class);
		factory.addAdvice(new RabbitHeartbeats.Receiver(() -> this.meters));
		return (Delivery) factory.getProxy();
	}

	private static Message heartbeat(long sentAt) {
		return message(Heartbeat.BODY, sentAt);
	}

	private static Message message(String body, Long heartbeat) {
		MessageProperties properties = new MessageProperties();
		properties.setConsumerQueue("orders");
		if (heartbeat != null) {
			properties.setHeader(Heartbeat.HEADER, heartbeat);
		}
		return new Message(body.getBytes(), properties);
	}

	/**
	 * The shape of Spring AMQP's {@code ContainerDelegate}.
	 */
	interface Delivery {

		void invokeListener(Object channel, Object data);

	}

}
