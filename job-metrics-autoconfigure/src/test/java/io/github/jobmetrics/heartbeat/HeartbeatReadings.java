package io.github.jobmetrics.heartbeat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * What the heartbeat meters of a queue read, for the broker tests.
 */
public final class HeartbeatReadings {

	private HeartbeatReadings() {
	}

	/**
	 * Heartbeats consumed from a queue, 0 before the counter exists.
	 * @param registry the registry
	 * @param queue the queue
	 * @return the count
	 */
	public static double consumed(MeterRegistry registry, String queue) {
		Counter counter = registry.find("job.queue.heartbeats.consumed").tag("queue", queue).counter();
		return (counter != null) ? counter.count() : 0;
	}

	/**
	 * Heartbeats sent to a queue, 0 before the counter exists.
	 * @param registry the registry
	 * @param queue the queue
	 * @return the count
	 */
	public static double sent(MeterRegistry registry, String queue) {
		Counter counter = registry.find("job.queue.heartbeats.sent").tag("queue", queue).counter();
		return (counter != null) ? counter.count() : 0;
	}

	/**
	 * The heartbeat timestamp of a queue.
	 * @param registry the registry
	 * @param queue the queue
	 * @return its value, in seconds
	 */
	public static double timestamp(MeterRegistry registry, String queue) {
		return registry.get("job.queue.heartbeat.timestamp").tag("queue", queue).gauge().value();
	}

}
