package io.github.jobmetrics.heartbeat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.github.jobmetrics.internal.MeteringFailures;
import io.github.jobmetrics.messaging.kafka.ForwardingBatchInterceptor;
import io.github.jobmetrics.messaging.kafka.ForwardingRecordInterceptor;
import io.github.jobmetrics.messaging.kafka.InstalledInterceptors;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.kafka.config.AbstractKafkaListenerContainerFactory;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;
import org.springframework.kafka.listener.BatchInterceptor;
import org.springframework.kafka.listener.RecordInterceptor;
import org.springframework.util.function.SingletonSupplier;

/**
 * Kafka heartbeats. Sent with the application's {@link KafkaTemplate} to every partition of the named topics, as
 * the partitions are when it is sent ({@code partitionsFor}): a record with a null key and value and a
 * {@code job-metrics-heartbeat} header (its send time, in decimal), which any serializer and deserializer pass
 * through. On the listener side, every listener container factory bean (the containers of {@code @KafkaListener}
 * methods) and every container bean gets a {@code RecordInterceptor} and a {@code BatchInterceptor} ahead of the
 * application's own: a heartbeat record is recorded and skipped, so neither the application's interceptor, its
 * listener nor a traced run sees it, and batch listeners get their batch without heartbeats.
 * <p>
 * A topic's heartbeat timestamp is the send time of the newest heartbeat consumed from any of its partitions: each
 * partition gets one, so every consumer of the group gets heartbeats, and a partition whose consumer is stuck adds
 * one record per interval to its consumer-group offset lag, which the broker's exporter shows per partition.
 *
 * @since 0.3.0
 */
public final class KafkaHeartbeats implements BeanPostProcessor {

	private static final long SEND_TIMEOUT_SECONDS = 10;

	private final Supplier<HeartbeatMeters> meters;

	/**
	 * Creates the listener side of Kafka heartbeats.
	 * @param meters supplies the meters to record heartbeats consumed in, asked for with the first heartbeat (a
	 * post-processor must not create the registry early)
	 */
	public KafkaHeartbeats(Supplier<HeartbeatMeters> meters) {
		this.meters = SingletonSupplier.of(meters);
	}

	/**
	 * The destinations to send heartbeats to with a template.
	 * @param template the application's template
	 * @param topics the topic names
	 * @return one destination per topic
	 */
	public static List<HeartbeatDestination> destinations(KafkaTemplate<?, ?> template, List<String> topics) {
		@SuppressWarnings("unchecked")
		KafkaTemplate<Object, Object> typed = (KafkaTemplate<Object, Object>) template;
		return topics.stream().<HeartbeatDestination>map((topic) -> new Sender(typed, topic)).toList();
	}

	@Override
	@SuppressWarnings("unchecked")
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		try {
			if (bean instanceof AbstractKafkaListenerContainerFactory<?, ?, ?> factory) {
				InstalledInterceptors installed = InstalledInterceptors.of(factory);
				if (installed != null && !(installed.record() instanceof RecordReceiver)) {
					AbstractKafkaListenerContainerFactory<?, Object, Object> typed =
							(AbstractKafkaListenerContainerFactory<?, Object, Object>) factory;
					typed.setRecordInterceptor(new RecordReceiver(installed.record(), this.meters));
					typed.setBatchInterceptor(new BatchReceiver(installed.batch(), this.meters));
				}
			}
			else if (bean instanceof AbstractMessageListenerContainer<?, ?> container) {
				InstalledInterceptors installed = InstalledInterceptors.of(container);
				if (installed != null && !(installed.record() instanceof RecordReceiver)) {
					AbstractMessageListenerContainer<Object, Object> typed =
							(AbstractMessageListenerContainer<Object, Object>) container;
					typed.setRecordInterceptor(new RecordReceiver(installed.record(), this.meters));
					typed.setBatchInterceptor(new BatchReceiver(installed.batch(), this.meters));
				}
			}
		}
		catch (RuntimeException | LinkageError ex) {
			MeteringFailures.log("prepare Kafka listener bean '" + beanName + "' for heartbeats", ex);
		}
		return bean;
	}

	static boolean consumedHeartbeat(ConsumerRecord<?, ?> record, Supplier<HeartbeatMeters> meters) {
		try {
			Header header = record.headers().lastHeader(Heartbeat.HEADER);
			if (header == null) {
				return false;
			}
			Long sentAt = Heartbeat.sentAt(header.value());
			if (sentAt == null) {
				return false;
			}
			meters.get().consumed(record.topic(), sentAt);
			return true;
		}
		catch (RuntimeException ex) {
			MeteringFailures.log("read the heartbeat header of a Kafka record", ex);
			return false;
		}
	}

	private record Sender(KafkaTemplate<Object, Object> template, String queue) implements HeartbeatDestination {

		@Override
		public int send(long sentAtMillis) throws Exception {
			List<PartitionInfo> partitions = this.template.partitionsFor(this.queue);
			byte[] value = Long.toString(sentAtMillis).getBytes(StandardCharsets.US_ASCII);
			KafkaOperations.OperationsCallback<Object, Object, List<CompletableFuture<?>>> sends = (operations) -> {
				List<CompletableFuture<?>> futures = new ArrayList<>(partitions.size());
				for (PartitionInfo partition : partitions) {
					ProducerRecord<Object, Object> record = new ProducerRecord<>(this.queue, partition.partition(),
							sentAtMillis, (Object) null, (Object) null);
					record.headers().add(Heartbeat.HEADER, value);
					futures.add(operations.send(record));
				}
				return futures;
			};
			// A transactional template sends only inside a transaction: a heartbeat is one of its own.
			List<CompletableFuture<?>> futures = (this.template.isTransactional()
					&& !this.template.inTransaction()) ? this.template.executeInTransaction(sends)
							: sends.doInOperations(this.template);
			for (CompletableFuture<?> future : futures) {
				future.get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
			}
			return futures.size();
		}

	}

	static final class RecordReceiver extends ForwardingRecordInterceptor {

		private final Supplier<HeartbeatMeters> meters;

		RecordReceiver(@Nullable RecordInterceptor<Object, Object> delegate, Supplier<HeartbeatMeters> meters) {
			super(delegate);
			this.meters = meters;
		}

		@Override
		public @Nullable ConsumerRecord<Object, Object> intercept(ConsumerRecord<Object, Object> record,
				Consumer<Object, Object> consumer) {
			if (consumedHeartbeat(record, this.meters)) {
				return null;
			}
			RecordInterceptor<Object, Object> delegate = delegate();
			return (delegate != null) ? delegate.intercept(record, consumer) : record;
		}

	}

	static final class BatchReceiver extends ForwardingBatchInterceptor {

		private final Supplier<HeartbeatMeters> meters;

		BatchReceiver(@Nullable BatchInterceptor<Object, Object> delegate, Supplier<HeartbeatMeters> meters) {
			super(delegate);
			this.meters = meters;
		}

		@Override
		@SuppressWarnings("deprecation")
		public @Nullable ConsumerRecords<Object, Object> intercept(ConsumerRecords<Object, Object> records,
				Consumer<Object, Object> consumer) {
			Map<TopicPartition, List<ConsumerRecord<Object, Object>>> rest = null;
			for (TopicPartition partition : records.partitions()) {
				List<ConsumerRecord<Object, Object>> ofPartition = records.records(partition);
				List<ConsumerRecord<Object, Object>> kept = new ArrayList<>(ofPartition.size());
				for (ConsumerRecord<Object, Object> record : ofPartition) {
					if (!consumedHeartbeat(record, this.meters)) {
						kept.add(record);
					}
				}
				if (rest == null && kept.size() < ofPartition.size()) {
					rest = new LinkedHashMap<>();
					for (TopicPartition earlier : records.partitions()) {
						if (earlier.equals(partition)) {
							break;
						}
						rest.put(earlier, records.records(earlier));
					}
				}
				if (rest != null && !kept.isEmpty()) {
					rest.put(partition, kept);
				}
			}
			ConsumerRecords<Object, Object> intercepted = records;
			if (rest != null) {
				if (rest.isEmpty()) {
					return null;
				}
				intercepted = new ConsumerRecords<>(rest);
			}
			BatchInterceptor<Object, Object> delegate = delegate();
			return (delegate != null) ? delegate.intercept(intercepted, consumer) : intercepted;
		}

	}

}
