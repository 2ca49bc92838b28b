package io.github.jobmetrics.heartbeat;

import org.jspecify.annotations.Nullable;

/**
 * What marks a message as a heartbeat: a header whose value is its send time in milliseconds since the epoch.
 */
final class Heartbeat {

	/**
	 * The header of RabbitMQ and Kafka heartbeats.
	 */
	static final String HEADER = "job-metrics-heartbeat";

	/**
	 * The property of JMS heartbeats: JMS property names are Java identifiers, so without the dashes.
	 */
	static final String JMS_PROPERTY = "jobMetricsHeartbeat";

	static final String BODY = "job-metrics heartbeat";

	private Heartbeat() {
	}

	/**
	 * The send time a header value carries, or {@code null} if it is none.
	 */
	static @Nullable Long sentAt(@Nullable Object value) {
		if (value instanceof Number number) {
			return number.longValue();
		}
		if (value instanceof byte[] bytes) {
			value = new String(bytes, java.nio.charset.StandardCharsets.US_ASCII);
		}
		if (value instanceof CharSequence text) {
			try {
				return Long.parseLong(text.toString());
			}
			catch (NumberFormatException ex) {
				return null;
			}
		}
		return null;
	}

}
