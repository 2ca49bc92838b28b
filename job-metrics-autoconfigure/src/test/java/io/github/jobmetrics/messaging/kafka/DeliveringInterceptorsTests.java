package io.github.jobmetrics.messaging.kafka;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.github.jobmetrics.JobRun;
import io.github.jobmetrics.internal.Deliveries;
import io.github.jobmetrics.internal.Deliveries.Redelivery;
import io.github.jobmetrics.micrometer.MicrometerJobTracer;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.kafka.listener.BatchInterceptor;
import org.springframework.kafka.listener.RecordInterceptor;
import org.springframework.kafka.support.KafkaHeaders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.mockito.Mockito.mock;

/**
 * Tests what the interceptors describe to the run that claims a delivery, with the container's callbacks called
 * as a listener container calls them, and a {@link MockClock} for the wait.
 */
class DeliveringInterceptorsTests {

	private static final long NOW = 1_800_000_000_000L;

	private final MockClock clock = new MockClock();

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry(SimpleConfig.DEFAULT, this.clock);

	private final MicrometerJobTracer tracer = new MicrometerJobTracer(this.registry);

	@SuppressWarnings("unchecked")
	private final Consumer<Object, Object> consumer = mock(Consumer.class);

	DeliveringInterceptorsTests() {
		this.clock.add(NOW - this.clock.wallTime(), TimeUnit.MILLISECONDS);
	}

	@AfterEach
	void leaveNoDeliveryOpen() {
		assertThat(Deliveries.isUnclaimed()).isFalse();
	}

	@Test
	void describesTheRecordTimestampAndTheAttemptAgainstTheMaximum() {
		DeliveringRecordInterceptor interceptor = new DeliveringRecordInterceptor(null, 3);
		assertThat(deliver(interceptor, record(NOW - 2_000, TimestampType.CREATE_TIME, 1)))
			.isEqualTo(Redelivery.WILL_FOLLOW);
		assertThat(deliver(interceptor, record(NOW - 2_000, TimestampType.LOG_APPEND_TIME, 2)))
			.isEqualTo(Redelivery.WILL_FOLLOW);
		assertThat(deliver(interceptor, record(NOW - 2_000, TimestampType.CREATE_TIME, 3))).isEqualTo(Redelivery.NONE);
		// An error handler that counts no attempts: the container adds no header.
		assertThat(deliver(interceptor, record(NOW - 2_000, TimestampType.CREATE_TIME, 0)))
			.isEqualTo(Redelivery.UNKNOWN);
		Timer wait = this.registry.get("job.queue.wait").timer();
		assertThat(wait.count()).isEqualTo(4);
		assertThat(wait.max(TimeUnit.MILLISECONDS)).isEqualTo(2_000);
	}

	@Test
	void observesNoWaitForARecordWithoutTimestamp() {
		DeliveringRecordInterceptor interceptor = new DeliveringRecordInterceptor(null, 10);
		deliver(interceptor, record(-1, TimestampType.NO_TIMESTAMP_TYPE, 1));
		deliver(interceptor, record(NOW - 1_000, TimestampType.NO_TIMESTAMP_TYPE, 1));
		assertThat(this.registry.find("job.queue.wait").timer()).isNull();
		assertThat(this.registry.get("job.executions").tag("result", "success").functionCounter().count()).isEqualTo(2);
	}

	@Test
	void endsTheDeliveryOfARecordThatTheApplicationsInterceptorFiltersOut() {
		RecordInterceptor<Object, Object> filter = (record, consumer) -> null;
		DeliveringRecordInterceptor interceptor = new DeliveringRecordInterceptor(filter, 10);
		assertThat(interceptor.intercept(record(NOW, TimestampType.CREATE_TIME, 1), this.consumer)).isNull();
		assertThat(Deliveries.isUnclaimed()).isFalse();
	}

	@Test
	void endsTheDeliveryWhenTheApplicationsInterceptorThrows() {
		RecordInterceptor<Object, Object> failing = (record, consumer) -> {
			throw new IllegalStateException("rejected");
		};
		DeliveringRecordInterceptor interceptor = new DeliveringRecordInterceptor(failing, 10);
		assertThatIllegalStateException()
			.isThrownBy(() -> interceptor.intercept(record(NOW, TimestampType.CREATE_TIME, 1), this.consumer));
		assertThat(Deliveries.isUnclaimed()).isFalse();
	}

	@Test
	void describesTheNextRecordWhenTheContainerSkippedAfterRecord() {
		DeliveringRecordInterceptor interceptor = new DeliveringRecordInterceptor(null, 10);
		// The error handler threw: the container never called afterRecord for this one.
		interceptor.intercept(record(NOW - 60_000, TimestampType.CREATE_TIME, 1), this.consumer);
		deliver(interceptor, record(NOW - 1_000, TimestampType.CREATE_TIME, 1));
		assertThat(this.registry.get("job.queue.wait").timer().max(TimeUnit.MILLISECONDS)).isEqualTo(1_000);

		// Or the poll ended: the container clears the thread's state.
		interceptor.intercept(record(NOW - 60_000, TimestampType.CREATE_TIME, 1), this.consumer);
		interceptor.clearThreadState(this.consumer);
		assertThat(Deliveries.isUnclaimed()).isFalse();
	}

	@Test
	void leavesTheApplicationsInterceptorItsCallbacks() {
		RecordingInterceptor application = new RecordingInterceptor();
		DeliveringRecordInterceptor interceptor = new DeliveringRecordInterceptor(application, 10);
		ConsumerRecord<Object, Object> record = record(NOW, TimestampType.CREATE_TIME, 1);
		assertThat(interceptor.intercept(record, this.consumer)).isSameAs(record);
		interceptor.success(record, this.consumer);
		interceptor.failure(record, new IllegalStateException(), this.consumer);
		interceptor.afterRecord(record, this.consumer);
		interceptor.setupThreadState(this.consumer);
		interceptor.clearThreadState(this.consumer);
		assertThat(application.calls).containsExactly("intercept", "success", "failure", "afterRecord", "setup",
				"clear");
	}

	@Test
	void observesTheWaitOfEachRecordOfABatchInOneRun() {
		DeliveringBatchInterceptor interceptor = new DeliveringBatchInterceptor(null);
		TopicPartition partition = new TopicPartition("invoices", 0);
		List<ConsumerRecord<Object, Object>> batch = List.of(record(NOW - 3_000, TimestampType.CREATE_TIME, 0),
				record(NOW - 1_000, TimestampType.CREATE_TIME, 0), record(-1, TimestampType.NO_TIMESTAMP_TYPE, 0));
		// The one-argument constructor: Kafka 3.9 (Spring Boot 3.5) has no other.
		@SuppressWarnings("deprecation")
		ConsumerRecords<Object, Object> records = new ConsumerRecords<>(Map.of(partition, batch));
		assertThat(interceptor.intercept(records, this.consumer)).isSameAs(records);
		JobRun run = this.tracer.start("export", "invoices");
		assertThat(Deliveries.claim(run, true)).isEqualTo(Redelivery.UNKNOWN);
		run.close();
		interceptor.success(records, this.consumer);
		Timer wait = this.registry.get("job.queue.wait").timer();
		assertThat(wait.count()).isEqualTo(2);
		assertThat(wait.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(4_000);
		assertThat(this.registry.get("job.executions").tag("result", "success").functionCounter().count()).isEqualTo(1);
	}

	@Test
	void endsTheDeliveryOfABatchThatTheApplicationsInterceptorFiltersOut() {
		BatchInterceptor<Object, Object> filter = (records, consumer) -> null;
		DeliveringBatchInterceptor interceptor = new DeliveringBatchInterceptor(filter);
		assertThat(interceptor.intercept(ConsumerRecords.empty(), this.consumer)).isNull();
		assertThat(Deliveries.isUnclaimed()).isFalse();
	}

	// As the container does: intercept, the listener's run claims the delivery, afterRecord.
	private Redelivery deliver(DeliveringRecordInterceptor interceptor, ConsumerRecord<Object, Object> record) {
		interceptor.intercept(record, this.consumer);
		JobRun run = this.tracer.start("capture", "payments");
		Redelivery redelivery = (Redelivery) Deliveries.claim(run, true);
		run.close();
		interceptor.afterRecord(record, this.consumer);
		return redelivery;
	}

	private static ConsumerRecord<Object, Object> record(long timestamp, TimestampType type, int attempt) {
		RecordHeaders headers = new RecordHeaders();
		if (attempt > 0) {
			byte[] value = ByteBuffer.allocate(Integer.BYTES).putInt(attempt).array();
			headers.add(new RecordHeader(KafkaHeaders.DELIVERY_ATTEMPT, value));
		}
		return new ConsumerRecord<>("payments", 0, 42, timestamp, type, 0, 0, null, "payload", headers,
				Optional.empty());
	}

	static class RecordingInterceptor implements RecordInterceptor<Object, Object> {

		final List<String> calls = new ArrayList<>();

		@Override
		public ConsumerRecord<Object, Object> intercept(ConsumerRecord<Object, Object> record,
				Consumer<Object, Object> consumer) {
			this.calls.add("intercept");
			return record;
		}

		@Override
		public void success(ConsumerRecord<Object, Object> record, Consumer<Object, Object> consumer) {
			this.calls.add("success");
		}

		@Override
		public void failure(ConsumerRecord<Object, Object> record, Exception exception,
				Consumer<Object, Object> consumer) {
			this.calls.add("failure");
		}

		@Override
		public void afterRecord(ConsumerRecord<Object, Object> record, Consumer<Object, Object> consumer) {
			this.calls.add("afterRecord");
		}

		@Override
		public void setupThreadState(Consumer<?, ?> consumer) {
			this.calls.add("setup");
		}

		@Override
		public void clearThreadState(Consumer<?, ?> consumer) {
			this.calls.add("clear");
		}

	}

}
