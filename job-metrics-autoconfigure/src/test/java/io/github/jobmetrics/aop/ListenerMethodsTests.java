package io.github.jobmetrics.aop;

import java.lang.reflect.Method;

import jakarta.jms.Message;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import org.springframework.amqp.rabbit.annotation.RabbitHandler;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.jms.annotation.JmsListener;
import org.springframework.kafka.annotation.KafkaHandler;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.listener.AcknowledgingMessageListener;
import org.springframework.kafka.support.Acknowledgment;
import org.springframework.util.ReflectionUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ListenerMethods#receivesDeliveries}: which methods a listener container calls with a delivery
 * itself, so that their run, and no other, claims it.
 */
class ListenerMethodsTests {

	@Test
	void listenerMethodsReceiveDeliveries() {
		assertThat(receives(Listeners.class, "onJms", String.class)).isTrue();
		assertThat(receives(Listeners.class, "onKafka", String.class)).isTrue();
	}

	@Test
	void handlerMethodsOfClassLevelListenersReceiveDeliveries() {
		assertThat(receives(RabbitHandlers.class, "onOrder", String.class)).isTrue();
		assertThat(receives(KafkaHandlers.class, "onOrder", String.class)).isTrue();
	}

	@Test
	void theOnMessageOfAContainersOwnListenerReceivesDeliveries() {
		assertThat(receives(JmsMessageListener.class, "onMessage", Message.class)).isTrue();
		// Kafka's listener interfaces extend GenericMessageListener, which the check finds through them.
		assertThat(receives(KafkaAcknowledgingListener.class, "onMessage", ConsumerRecord.class, Acknowledgment.class))
			.isTrue();
	}

	@Test
	void aServiceThatAListenerCallsReceivesNoDelivery() {
		assertThat(receives(Listeners.class, "settle", String.class)).isFalse();
		assertThat(receives(JmsMessageListener.class, "settle", String.class)).isFalse();
		// Named onMessage, but no container calls it.
		assertThat(receives(NotAListener.class, "onMessage", String.class)).isFalse();
	}

	private static boolean receives(Class<?> type, String name, Class<?>... parameterTypes) {
		Method method = ReflectionUtils.findMethod(type, name, parameterTypes);
		assertThat(method).as(name).isNotNull();
		return ListenerMethods.receivesDeliveries(method, type);
	}

	static class Listeners {

		@JmsListener(destination = "payments")
		public void onJms(String body) {
		}

		@KafkaListener(topics = "payments")
		public void onKafka(String body) {
		}

		public void settle(String body) {
		}

	}

	@RabbitListener(queues = "orders")
	static class RabbitHandlers {

		@RabbitHandler
		public void onOrder(String order) {
		}

	}

	@KafkaListener(topics = "orders")
	static class KafkaHandlers {

		@KafkaHandler
		public void onOrder(String order) {
		}

	}

	static class JmsMessageListener implements jakarta.jms.MessageListener {

		@Override
		public void onMessage(Message message) {
		}

		public void settle(String body) {
		}

	}

	static class KafkaAcknowledgingListener implements AcknowledgingMessageListener<String, String> {

		@Override
		public void onMessage(ConsumerRecord<String, String> data, Acknowledgment acknowledgment) {
		}

	}

	static class NotAListener {

		public void onMessage(String body) {
		}

	}

}
