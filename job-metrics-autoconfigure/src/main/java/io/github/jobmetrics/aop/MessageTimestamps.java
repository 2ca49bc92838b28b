package io.github.jobmetrics.aop;

import java.lang.reflect.Method;
import java.util.Date;
import java.util.List;

import io.github.jobmetrics.JobRun;
import org.jspecify.annotations.Nullable;

import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;

/**
 * When the message in a Spring Messaging {@link Message} argument was sent, from the headers in which Spring's
 * JMS, Kafka and AMQP converters carry the producer's (or broker's) send time: {@code jms_timestamp},
 * {@code kafka_receivedTimestamp} (a list for a batch), RabbitMQ's {@code timestamp_in_ms}, else {@code amqp_timestamp}. Names, not the libraries' constants, so that
 * none of them must be present.
 * <p>
 * Never {@link MessageHeaders#TIMESTAMP}: Spring sets it whenever it builds the headers, which for a message
 * that came from a broker is when it was received, and for any other when it was last rebuilt (a transformer, a
 * header enricher), so a wait read from it is about 0, or nothing that was waited. Loaded only when
 * spring-messaging is present.
 */
final class MessageTimestamps {

	private static final String JMS_TIMESTAMP = "jms_timestamp";

	private static final String KAFKA_TIMESTAMP = "kafka_receivedTimestamp";

	private static final String RABBITMQ_TIMESTAMP_IN_MS = "timestamp_in_ms";

	private static final String AMQP_TIMESTAMP = "amqp_timestamp";

	private static final String[] SEND_TIMES = { JMS_TIMESTAMP, KAFKA_TIMESTAMP, RABBITMQ_TIMESTAMP_IN_MS,
			AMQP_TIMESTAMP };

	private MessageTimestamps() {
	}

	static int argumentIndex(Method method) {
		Class<?>[] types = method.getParameterTypes();
		for (int i = 0; i < types.length; i++) {
			if (Message.class.isAssignableFrom(types[i])) {
				return i;
			}
		}
		return -1;
	}

	/**
	 * Observes the send time of the message, or of each message of a batch, if its headers carry one.
	 */
	static void observe(@Nullable Object argument, JobRun run) {
		if (!(argument instanceof Message<?> message)) {
			return;
		}
		MessageHeaders headers = message.getHeaders();
		for (String name : SEND_TIMES) {
			Object sentAt = headers.get(name);
			if (sentAt != null) {
				observeSendTime(sentAt, run);
				return;
			}
		}
	}

	private static void observeSendTime(Object sentAt, JobRun run) {
		if (sentAt instanceof List<?> batch) {
			for (Object each : batch) {
				if (each != null && !(each instanceof List<?>)) {
					observeSendTime(each, run);
				}
			}
			return;
		}
		long epochMillis = (sentAt instanceof Number number) ? number.longValue()
				: ((sentAt instanceof Date date) ? date.getTime() : -1);
		// 0 and below: there is none (a JMS provider with timestamps disabled, a Kafka record of NO_TIMESTAMP_TYPE).
		if (epochMillis > 0) {
			run.enqueuedAt(epochMillis);
		}
	}

}
