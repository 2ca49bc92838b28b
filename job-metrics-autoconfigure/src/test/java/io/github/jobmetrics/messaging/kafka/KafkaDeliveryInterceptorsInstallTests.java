package io.github.jobmetrics.messaging.kafka;

import java.util.Map;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.junit.jupiter.api.Test;

import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.listener.BatchInterceptor;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.MessageListener;
import org.springframework.kafka.listener.RecordInterceptor;
import org.springframework.test.util.ReflectionTestUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The interceptors are installed on the Spring Kafka of every Boot line (compat runs this on 3.5's Spring Kafka
 * 3.3, whose factory has no public getter of the interceptors, and on 4.0's), and keep calling the application's
 * own.
 */
class KafkaDeliveryInterceptorsInstallTests {

	private final KafkaDeliveryInterceptors interceptors = new KafkaDeliveryInterceptors(3);

	@Test
	void installsOnAFactoryAndKeepsTheApplicationsInterceptors() {
		ConcurrentKafkaListenerContainerFactory<String, String> factory = new ConcurrentKafkaListenerContainerFactory<>();
		RecordInterceptor<String, String> own = new OwnRecordInterceptor();
		BatchInterceptor<String, String> ownBatch = new OwnBatchInterceptor();
		factory.setRecordInterceptor(own);
		factory.setBatchInterceptor(ownBatch);
		this.interceptors.postProcessAfterInitialization(factory, "kafkaListenerContainerFactory");
		assertInstalled(ReflectionTestUtils.getField(factory, "recordInterceptor"),
				ReflectionTestUtils.getField(factory, "batchInterceptor"), own, ownBatch);
		assertThat(factory.getContainerProperties().isDeliveryAttemptHeader()).isTrue();
	}

	@Test
	void installsOnAContainerBeanAndKeepsTheApplicationsInterceptors() {
		ContainerProperties properties = new ContainerProperties("payments");
		properties.setMessageListener((MessageListener<String, String>) (record) -> {
		});
		ConcurrentMessageListenerContainer<String, String> container = new ConcurrentMessageListenerContainer<>(
				new DefaultKafkaConsumerFactory<>(Map.of()), properties);
		RecordInterceptor<String, String> own = new OwnRecordInterceptor();
		BatchInterceptor<String, String> ownBatch = new OwnBatchInterceptor();
		container.setRecordInterceptor(own);
		container.setBatchInterceptor(ownBatch);
		this.interceptors.postProcessAfterInitialization(container, "paymentsContainer");
		assertInstalled(ReflectionTestUtils.getField(container, "recordInterceptor"),
				ReflectionTestUtils.getField(container, "batchInterceptor"), own, ownBatch);
		assertThat(container.getContainerProperties().isDeliveryAttemptHeader()).isTrue();
	}

	@Test
	@SuppressWarnings({ "unchecked", "rawtypes" })
	void installsOnceOnAContainerItsFactoryAlreadyEquipped() {
		ConcurrentKafkaListenerContainerFactory<String, String> factory = new ConcurrentKafkaListenerContainerFactory<>();
		this.interceptors.postProcessAfterInitialization(factory, "kafkaListenerContainerFactory");
		Object installed = ReflectionTestUtils.getField(factory, "recordInterceptor");
		ConcurrentMessageListenerContainer<String, String> container = new ConcurrentMessageListenerContainer<>(
				new DefaultKafkaConsumerFactory<>(Map.of()), new ContainerProperties("payments"));
		container.setRecordInterceptor((RecordInterceptor) installed);
		this.interceptors.postProcessAfterInitialization(container, "paymentsContainer");
		assertThat(ReflectionTestUtils.getField(container, "recordInterceptor")).isSameAs(installed);
	}

	private static void assertInstalled(Object record, Object batch, RecordInterceptor<String, String> own,
			BatchInterceptor<String, String> ownBatch) {
		assertThat(record).isInstanceOf(DeliveringRecordInterceptor.class);
		assertThat(batch).isInstanceOf(DeliveringBatchInterceptor.class);
		assertThat(ReflectionTestUtils.getField(record, "delegate")).isSameAs(own);
		assertThat(ReflectionTestUtils.getField(batch, "delegate")).isSameAs(ownBatch);
	}

	static class OwnRecordInterceptor implements RecordInterceptor<String, String> {

		@Override
		public ConsumerRecord<String, String> intercept(ConsumerRecord<String, String> record,
				Consumer<String, String> consumer) {
			return record;
		}

	}

	static class OwnBatchInterceptor implements BatchInterceptor<String, String> {

		@Override
		public ConsumerRecords<String, String> intercept(ConsumerRecords<String, String> records,
				Consumer<String, String> consumer) {
			return records;
		}

	}

}
