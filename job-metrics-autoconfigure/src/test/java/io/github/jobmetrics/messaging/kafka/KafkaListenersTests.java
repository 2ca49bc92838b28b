package io.github.jobmetrics.messaging.kafka;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.jobmetrics.TracedJob;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.KafkaMessageListenerContainer;
import org.springframework.kafka.listener.MessageListener;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.RecordInterceptor;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.util.backoff.FixedBackOff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kafka listeners on a real broker (spring-kafka-test's embedded KRaft broker, one for the class), with the
 * listener container factory that Spring Boot auto-configures, an application error handler that retries a
 * record twice, and an application record interceptor. Each test has a topic and listener of its own, so they
 * share one context and their counts are exact. A listener with Spring's {@code @Retryable} is in
 * {@code KafkaRetryableListenerTests}.
 */
@SpringBootTest(classes = KafkaListenersTests.App.class,
		webEnvironment = WebEnvironment.NONE,
		properties = { "spring.kafka.consumer.auto-offset-reset=earliest", "job-metrics.instrument.listeners=true",
				"job-metrics.kafka.max-attempts=3" })
@EmbeddedKafka(partitions = 1, topics = { "payments", "refunds", "shipments", "invoices", "audits" },
		bootstrapServersProperty = "spring.kafka.bootstrap-servers")
class KafkaListenersTests {

	@Autowired
	private MeterRegistry registry;

	@Autowired
	private KafkaTemplate<String, String> kafka;

	@Autowired
	private KafkaListenerEndpointRegistry containers;

	@Autowired
	private CountingInterceptor applicationInterceptor;

	@Autowired
	private Invoices invoices;

	@Test
	void observesTheWaitFromTheRecordTimestampToTheStartOfTheRun() throws Exception {
		long sending = System.currentTimeMillis();
		long enqueued = sending - 3_000;
		send("refunds", enqueued, "refund-1");
		await().atMost(20, TimeUnit.SECONDS).until(() -> executions("Refunds.refund", "success") == 1);
		long handled = System.currentTimeMillis();

		Timer wait = this.registry.get("job.queue.wait").tags("job.name", "Refunds.refund", "queue", "refunds").timer();
		assertThat(wait.count()).isEqualTo(1);
		// The run started after the record was sent and before the test saw it finish.
		assertThat(wait.totalTime(TimeUnit.MILLISECONDS)).isBetween((double) (sending - enqueued),
				(double) (handled - enqueued));
		assertThat(this.registry.get("job.queue.wait.clock.skew").tags("job.name", "Refunds.refund").counter().count())
			.isZero();
	}

	@Test
	void countsAttemptsTheErrorHandlerRetriesAsRetriesAndTheLastAsAFailure() throws Exception {
		for (String payload : List.of("ok-1", "poison-1", "ok-2", "poison-2", "ok-3")) {
			send("payments", System.currentTimeMillis(), payload);
		}
		// FixedBackOff(0, 2): three attempts at each poison record, two of which are followed by another.
		await().atMost(20, TimeUnit.SECONDS)
			.until(() -> executions("payment-capture", "success") == 3
					&& executions("payment-capture", "failure") == 2);
		assertThat(executions("payment-capture", "retry")).isEqualTo(4);
		assertThat(executions("payment-capture", "failure")).isEqualTo(2);
		assertThat(executions("payment-capture", "success")).isEqualTo(3);
		assertThat(this.registry.get("job.queue.wait").tags("job.name", "payment-capture").timer().count())
			.isEqualTo(9);
		// The explicit @TracedJob wins over zero-code tracing: no second job for the same method.
		assertThat(this.registry.find("job.executions").tags("job.name", "Payments.capture")
			.functionCounters()).isEmpty();
		// The application's own interceptor still sees every delivery.
		assertThat(this.applicationInterceptor.intercepted("payments")).isEqualTo(9);
	}

	@Test
	void lastEnqueuedTimestampFollowsTheNewestRecordARunStartedOn() throws Exception {
		long now = System.currentTimeMillis();
		send("shipments", now - 60_000, "shipment-1");
		send("shipments", now - 30_000, "shipment-2");
		await().atMost(20, TimeUnit.SECONDS).until(() -> executions("shipment", "success") == 2);
		Gauge last = this.registry.get("job.queue.last.enqueued.timestamp")
			.tags("job.name", "shipment", "queue", "shipments")
			.gauge();
		assertThat(last.value()).isEqualTo((now - 30_000) / 1e3);

		// An older record, handled later, does not move the lag backwards.
		send("shipments", now - 90_000, "shipment-3");
		await().atMost(20, TimeUnit.SECONDS).until(() -> executions("shipment", "success") == 3);
		assertThat(last.value()).isEqualTo((now - 30_000) / 1e3);
		assertThat(this.registry.get("job.queue.wait").tags("job.name", "shipment").timer().count()).isEqualTo(3);
	}

	@Test
	void runsABatchListenerOnceAndObservesTheWaitOfEachRecord() throws Exception {
		long sending = System.currentTimeMillis();
		long waited = 0;
		for (int i = 1; i <= 5; i++) {
			send("invoices", sending - i * 10_000L, "invoice-" + i);
			waited += i * 10_000L;
		}
		// Started only now, so that its first poll finds all five records.
		this.containers.getListenerContainer("invoices").start();
		await().atMost(20, TimeUnit.SECONDS)
			.until(() -> this.invoices.received().stream().mapToInt(List::size).sum() == 5);
		long handled = System.currentTimeMillis();

		List<List<String>> batches = this.invoices.received();
		assertThat(batches).hasSizeLessThan(5);
		assertThat(executions("Invoices.export", "success")).isEqualTo(batches.size());
		Timer wait = this.registry.get("job.queue.wait").tags("job.name", "Invoices.export", "queue", "invoices").timer();
		assertThat(wait.count()).isEqualTo(5);
		assertThat(wait.totalTime(TimeUnit.MILLISECONDS)).isBetween((double) waited,
				(double) (waited + 5 * (handled - sending)));
	}

	@Test
	void publishesTheConcurrencyOfEachListenerContainerAsItsCapacity() {
		assertThat(capacity("refunds", "refunds")).isEqualTo(2);
		assertThat(capacity("payments", "payments")).isEqualTo(1);
		assertThat(capacity("invoices", "invoices")).isEqualTo(1);
	}

	private double capacity(String pool, String queue) {
		return this.registry.get("job.worker.capacity").tags("pool", pool, "queue", queue).gauge().value();
	}

	private void send(String topic, long timestamp, String payload) throws Exception {
		this.kafka.send(new ProducerRecord<>(topic, null, timestamp, null, payload)).get(10, TimeUnit.SECONDS);
	}

	private double executions(String job, String result) {
		FunctionCounter counter = this.registry.find("job.executions").tags("job.name", job, "result", result)
			.functionCounter();
		return (counter != null) ? counter.count() : 0;
	}

	@Test
	void describesTheRecordsOfAContainerBean() throws Exception {
		long sending = System.currentTimeMillis();
		long enqueued = sending - 5_000;
		send("audits", enqueued, "audit-1");
		await().atMost(20, TimeUnit.SECONDS).until(() -> executions("audit", "success") == 1);
		long handled = System.currentTimeMillis();

		Timer wait = this.registry.get("job.queue.wait").tags("job.name", "audit", "queue", "audits").timer();
		assertThat(wait.totalTime(TimeUnit.MILLISECONDS)).isBetween((double) (sending - enqueued),
				(double) (handled - enqueued));
		assertThat(capacity("auditContainer", "audits")).isEqualTo(1);
	}

	// Only what a Kafka worker needs, so that the context starts fast on a busy machine.
	@Configuration(proxyBeanMethods = false)
	@Import(BootKafkaAutoConfigurations.class)
	static class App {

		@Bean
		Audits audits() {
			return new Audits();
		}

		// A container of the application's own, not made by the listener container factory.
		@Bean
		KafkaMessageListenerContainer<String, String> auditContainer(ConsumerFactory<String, String> consumers,
				MessageListener<String, String> audits) {
			ContainerProperties properties = new ContainerProperties("audits");
			properties.setGroupId("audits");
			properties.setMessageListener(audits);
			return new KafkaMessageListenerContainer<>(consumers, properties);
		}

		@Bean
		DefaultErrorHandler errorHandler() {
			return new DefaultErrorHandler(new FixedBackOff(0, 2));
		}

		@Bean
		CountingInterceptor countingInterceptor() {
			return new CountingInterceptor();
		}

		@Bean
		Payments payments() {
			return new Payments();
		}

		@Bean
		Refunds refunds() {
			return new Refunds();
		}

		@Bean
		Shipments shipments() {
			return new Shipments();
		}

		@Bean
		Invoices invoices() {
			return new Invoices();
		}

	}

	/**
	 * The application's own record interceptor, which Spring Boot sets on its container factory.
	 */
	static class CountingInterceptor implements RecordInterceptor<Object, Object> {

		private final List<String> topics = new CopyOnWriteArrayList<>();

		@Override
		public ConsumerRecord<Object, Object> intercept(ConsumerRecord<Object, Object> record,
				Consumer<Object, Object> consumer) {
			this.topics.add(record.topic());
			return record;
		}

		long intercepted(String topic) {
			return this.topics.stream().filter(topic::equals).count();
		}

	}

	static class Audits implements MessageListener<String, String> {

		@Override
		@TracedJob(name = "audit", queue = "audits")
		public void onMessage(ConsumerRecord<String, String> audit) {
		}

	}

	static class Payments {

		@TracedJob(name = "payment-capture", queue = "payments")
		@KafkaListener(id = "payments", topics = "payments")
		void capture(String payment) {
			if (payment.startsWith("poison")) {
				throw new IllegalStateException("Cannot capture " + payment);
			}
		}

	}

	static class Refunds {

		private final AtomicInteger refunded = new AtomicInteger();

		@KafkaListener(id = "refunds", topics = "refunds", concurrency = "2")
		void refund(String refund) {
			this.refunded.incrementAndGet();
		}

	}

	static class Shipments {

		@TracedJob(name = "shipment", queue = "shipments")
		@KafkaListener(id = "shipments", topics = "shipments")
		void ship(String shipment) {
		}

	}

	static class Invoices {

		private final List<List<String>> received = new CopyOnWriteArrayList<>();

		@KafkaListener(id = "invoices", topics = "invoices", batch = "true", autoStartup = "false")
		void export(List<String> invoices) {
			this.received.add(List.copyOf(invoices));
		}

		List<List<String>> received() {
			return this.received;
		}

	}

}
