package io.github.jobmetrics.messaging.kafka;

import io.github.jobmetrics.internal.Deliveries;
import io.github.jobmetrics.internal.Deliveries.Redelivery;
import io.github.jobmetrics.internal.MeteringFailures;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.TimestampType;

import org.springframework.kafka.support.KafkaHeaders;

/**
 * Describes what a Kafka listener container delivers on its consumer thread to {@link Deliveries}, and ends the
 * delivery even where the container skips the interceptor callback that would normally end it. Never throws into
 * the container.
 */
final class KafkaDeliveries {

	// Whether an interceptor of ours began the delivery that is open on this consumer thread. The container skips
	// afterRecord when its error handler throws, so a delivery can be left open; the next record or the end of
	// the poll closes it, rather than letting the next run claim a stale record. Boolean constants: no allocation.
	private static final ThreadLocal<Boolean> began = ThreadLocal.withInitial(() -> Boolean.FALSE);

	private KafkaDeliveries() {
	}

	/**
	 * Begins the delivery of one record.
	 * @param record the record the listener is about to receive
	 * @param maxAttempts how many times the error handler delivers a record before it gives up
	 */
	static void begin(ConsumerRecord<?, ?> record, int maxAttempts) {
		try {
			if (begin()) {
				enqueuedAt(record);
				Deliveries.redelivery(redelivery(record, maxAttempts));
			}
		}
		catch (RuntimeException | LinkageError ex) {
			MeteringFailures.log("describe a Kafka record to its listener's run", ex);
		}
	}

	/**
	 * Begins the delivery of a batch: each record's enqueue time; whether the batch is delivered again is not
	 * known before it fails (the error handler retries a batch in its own loop, or only from the record a
	 * {@code BatchListenerFailedException} names), so a failure is classified as for any job.
	 * @param records the records the listener is about to receive
	 */
	static void begin(ConsumerRecords<?, ?> records) {
		try {
			if (begin()) {
				for (ConsumerRecord<?, ?> record : records) {
					enqueuedAt(record);
				}
			}
		}
		catch (RuntimeException | LinkageError ex) {
			MeteringFailures.log("describe a Kafka batch to its listener's run", ex);
		}
	}

	/**
	 * Ends the delivery this thread's interceptor began, if any.
	 */
	static void end() {
		try {
			if (began.get()) {
				began.set(Boolean.FALSE);
				Deliveries.end();
			}
		}
		catch (RuntimeException | LinkageError ex) {
			MeteringFailures.log("end the delivery of a Kafka record", ex);
		}
	}

	private static boolean begin() {
		// A delivery of ours still open here was left by a record whose end the container skipped.
		end();
		if (!Deliveries.begin()) {
			return false;
		}
		began.set(Boolean.TRUE);
		return true;
	}

	// CreateTime is the producer's clock (the default); LogAppendTime, when the topic sets
	// message.timestamp.type=LogAppendTime, the broker's. A record without a timestamp has no wait to observe.
	private static void enqueuedAt(ConsumerRecord<?, ?> record) {
		long timestamp = record.timestamp();
		if (timestamp >= 0 && record.timestampType() != TimestampType.NO_TIMESTAMP_TYPE) {
			Deliveries.enqueuedAt(timestamp);
		}
	}

	/**
	 * Returns what follows a failure of this attempt: the container's delivery-attempt header (which it adds when
	 * its error handler counts attempts, as {@code DefaultErrorHandler} does) against the handler's maximum.
	 */
	static Redelivery redelivery(ConsumerRecord<?, ?> record, int maxAttempts) {
		return Redelivery.ofAttempt(deliveryAttempt(record), maxAttempts);
	}

	/**
	 * Returns the delivery attempt of a record, counting from 1, or 0 if the container did not say.
	 */
	static int deliveryAttempt(ConsumerRecord<?, ?> record) {
		Header header = record.headers().lastHeader(KafkaHeaders.DELIVERY_ATTEMPT);
		byte[] value = (header != null) ? header.value() : null;
		if (value == null || value.length != Integer.BYTES) {
			return 0;
		}
		// Big-endian, as the container writes it with a ByteBuffer.
		return ((value[0] & 0xff) << 24) | ((value[1] & 0xff) << 16) | ((value[2] & 0xff) << 8) | (value[3] & 0xff);
	}

}
