package io.github.jobmetrics.heartbeat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import io.github.jobmetrics.TracedJob;
import io.github.jobmetrics.autoconfigure.JobMetricsHeartbeatAutoConfiguration;
import io.github.jobmetrics.messaging.kafka.BootKafkaAutoConfigurations;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.test.context.EmbeddedKafka;

import static io.github.jobmetrics.heartbeat.HeartbeatReadings.consumed;
import static io.github.jobmetrics.heartbeat.HeartbeatReadings.sent;
import static io.github.jobmetrics.heartbeat.HeartbeatReadings.timestamp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kafka heartbeats on a real broker (spring-kafka-test's embedded broker of the Boot line's Spring Kafka: KRaft on
 * 4.x, ZooKeeper-mode on 3.5), a topic of three partitions, the listener container factory and {@code KafkaTemplate}
 * that Spring Boot auto-configures.
 */
@SpringBootTest(classes = KafkaHeartbeatsTests.App.class, webEnvironment = WebEnvironment.NONE,
		properties = { "spring.kafka.consumer.auto-offset-reset=earliest", "job-metrics.heartbeat.interval=200ms",
				"job-metrics.heartbeat.kafka.topics=" + KafkaHeartbeatsTests.TOPIC + "," + KafkaHeartbeatsTests.BATCHES })
@EmbeddedKafka(partitions = 3, topics = { KafkaHeartbeatsTests.TOPIC, KafkaHeartbeatsTests.BATCHES },
		bootstrapServersProperty = "spring.kafka.bootstrap-servers")
class KafkaHeartbeatsTests {

	static final String TOPIC = "heartbeat-orders";

	static final String BATCHES = "heartbeat-batches";

	private static final Duration WAIT = Duration.ofSeconds(60);

	@Autowired
	private MeterRegistry registry;

	@Autowired
	private KafkaTemplate<String, String> kafka;

	@Autowired
	private Orders orders;

	@Autowired
	private HeartbeatScheduler scheduler;

	@Autowired
	private Batches batches;

	@Value("${spring.kafka.bootstrap-servers}")
	private String bootstrapServers;

	@Test
	void oneHeartbeatPerPartitionNoneReachesTheListenerNoneIsARunAndAllAreCommitted() throws Exception {
		await().atMost(WAIT).until(() -> consumed(this.registry, TOPIC) >= 6);
		double first = timestamp(this.registry, TOPIC);
		this.kafka.send(TOPIC, "order-1").get();
		await().atMost(WAIT).until(() -> this.orders.received().size() == 1);
		await().atMost(WAIT).until(() -> timestamp(this.registry, TOPIC) > first);
		this.scheduler.stop();
		await().atMost(WAIT).until(() -> consumed(this.registry, TOPIC) == sent(this.registry, TOPIC));
		// Every round sends one to each of the three partitions.
		assertThat(sent(this.registry, TOPIC) % 3).isZero();
		assertThat(this.orders.received()).containsExactly("order-1");
		assertThat(this.registry.get("job.executions").tags("job.name", "orders").functionCounters().stream()
			.mapToDouble(FunctionCounter::count)
			.sum()).isEqualTo(1);
		assertThat(this.registry.get("job.queue.wait").tags("job.name", "orders").timer().count()).isOne();
		// Skipped, yet acknowledged: the group's committed offsets reach the end of every partition.
		try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, this.bootstrapServers))) {
			List<TopicPartition> partitions = List.of(new TopicPartition(TOPIC, 0), new TopicPartition(TOPIC, 1),
					new TopicPartition(TOPIC, 2));
			Map<TopicPartition, Long> ends = admin
				.listOffsets(partitions.stream().collect(Collectors.toMap((p) -> p, (p) -> OffsetSpec.latest())))
				.all()
				.get()
				.entrySet()
				.stream()
				.collect(Collectors.toMap(Map.Entry::getKey, (e) -> e.getValue().offset()));
			await().atMost(WAIT).untilAsserted(() -> {
				Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("orders")
					.partitionsToOffsetAndMetadata()
					.get();
				for (TopicPartition partition : partitions) {
					assertThat(committed.get(partition)).as(partition.toString()).isNotNull();
					assertThat(committed.get(partition).offset()).as(partition.toString())
						.isEqualTo(ends.get(partition));
				}
			});
		}
	}

	@Test
	void aBatchListenerGetsItsBatchesWithoutHeartbeats() throws Exception {
		// Rounds sent here, so that this test does not depend on the scheduler that another test stops.
		double before = consumed(this.registry, BATCHES);
		this.scheduler.beat();
		for (int i = 1; i <= 3; i++) {
			this.kafka.send(BATCHES, "batch-" + i).get();
		}
		this.scheduler.beat();
		await().atMost(WAIT).until(() -> this.batches.received().size() == 3);
		await().atMost(WAIT).until(() -> consumed(this.registry, BATCHES) >= before + 6);
		assertThat(this.batches.received()).containsExactlyInAnyOrder("batch-1", "batch-2", "batch-3");
		assertThat(this.batches.batchSizes()).allMatch((size) -> size > 0);
	}

	@Configuration(proxyBeanMethods = false)
	@Import(KafkaWorkerWithHeartbeats.class)
	static class App {

		@Bean
		Orders orders() {
			return new Orders();
		}

		@Bean
		Batches batches() {
			return new Batches();
		}

	}

	// Boot's Kafka auto-configuration of the line on the classpath, job-metrics' Kafka one, then the heartbeats.
	static class KafkaWorkerWithHeartbeats extends BootKafkaAutoConfigurations {

		KafkaWorkerWithHeartbeats() {
			super(JobMetricsHeartbeatAutoConfiguration.class);
		}

	}

	static class Orders {

		private final List<String> received = new CopyOnWriteArrayList<>();

		@KafkaListener(topics = TOPIC, groupId = "orders")
		@TracedJob(name = "orders", queue = TOPIC)
		public void onOrder(String body) {
			this.received.add(body);
		}

		List<String> received() {
			return this.received;
		}

	}

	static class Batches {

		private final List<String> received = new CopyOnWriteArrayList<>();

		private final List<Integer> batchSizes = new CopyOnWriteArrayList<>();

		@KafkaListener(topics = BATCHES, groupId = "batches", batch = "true")
		public void onBatch(List<String> bodies) {
			this.batchSizes.add(bodies.size());
			this.received.addAll(bodies);
		}

		List<String> received() {
			return this.received;
		}

		List<Integer> batchSizes() {
			return this.batchSizes;
		}

	}

}
