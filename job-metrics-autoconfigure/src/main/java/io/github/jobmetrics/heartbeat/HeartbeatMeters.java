package io.github.jobmetrics.heartbeat;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

import io.github.jobmetrics.internal.MeteringFailures;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;

/**
 * The meters of heartbeats, per queue (the {@code queue} tag, through the tracer's cap on distinct queue values,
 * {@code job-metrics.max-queues}):
 * <ul>
 * <li>{@code job.queue.heartbeat.timestamp} ({@code job_queue_heartbeat_timestamp_seconds}), a gauge: the send time
 * of the newest heartbeat consumed on this instance, in seconds since the epoch; it never moves back. Registered
 * with the first heartbeat consumed, so that an instance that has consumed none shows no lag it does not know.</li>
 * <li>{@code job.queue.heartbeats.sent} ({@code job_queue_heartbeats_sent_total}), a counter: heartbeats this
 * instance sent.</li>
 * <li>{@code job.queue.heartbeats.consumed} ({@code job_queue_heartbeats_consumed_total}), a counter: heartbeats
 * this instance's listener containers consumed. Summed over the instances, sent minus consumed is what is in flight
 * or was lost.</li>
 * </ul>
 *
 * @since 0.3.0
 */
public final class HeartbeatMeters {

	private final MeterRegistry registry;

	private final UnaryOperator<String> queueLabel;

	private final Map<String, QueueHeartbeats> queues = new ConcurrentHashMap<>();

	/**
	 * Creates the meters.
	 * @param registry the registry to publish them to
	 * @param queueLabel the {@code queue} label of a queue name: the name itself, or {@code other} past the cap
	 */
	public HeartbeatMeters(MeterRegistry registry, UnaryOperator<String> queueLabel) {
		this.registry = registry;
		this.queueLabel = queueLabel;
	}

	/**
	 * Registers the counters of a queue that this instance sends heartbeats to, so that they read 0 before the first.
	 * @param queue the queue name
	 */
	public void register(String queue) {
		of(queue);
	}

	/**
	 * Counts a heartbeat sent.
	 * @param queue the queue it was sent to
	 */
	public void sent(String queue) {
		QueueHeartbeats meters = of(queue);
		if (meters != null) {
			meters.sent.increment();
		}
	}

	/**
	 * Counts a heartbeat consumed, and moves the queue's heartbeat timestamp forward to its send time.
	 * @param queue the queue it was consumed from
	 * @param sentAtMillis its send time, in milliseconds since the epoch
	 */
	public void consumed(String queue, long sentAtMillis) {
		QueueHeartbeats meters = of(queue);
		if (meters != null) {
			try {
				meters.consumed(sentAtMillis);
			}
			catch (RuntimeException | LinkageError ex) {
				MeteringFailures.log("record a heartbeat consumed from queue '" + queue + "'", ex);
			}
		}
	}

	private @Nullable QueueHeartbeats of(String queue) {
		QueueHeartbeats meters = this.queues.get(queue);
		if (meters != null) {
			return meters;
		}
		try {
			return this.queues.computeIfAbsent(queue, (name) -> new QueueHeartbeats(this.registry,
					this.queueLabel.apply(name)));
		}
		catch (RuntimeException | LinkageError ex) {
			MeteringFailures.log("register the heartbeat meters of queue '" + queue + "'", ex);
			return null;
		}
	}

	private static final class QueueHeartbeats {

		private final MeterRegistry registry;

		private final String queue;

		private final Counter sent;

		private final Counter consumed;

		private final AtomicLong newestMillis = new AtomicLong(Long.MIN_VALUE);

		QueueHeartbeats(MeterRegistry registry, String queue) {
			this.registry = registry;
			this.queue = queue;
			this.sent = Counter.builder("job.queue.heartbeats.sent")
				.description("Heartbeats sent to the queue by this instance")
				.tag("queue", queue)
				.register(registry);
			this.consumed = Counter.builder("job.queue.heartbeats.consumed")
				.description("Heartbeats consumed from the queue by this instance")
				.tag("queue", queue)
				.register(registry);
		}

		void consumed(long sentAtMillis) {
			long newest = this.newestMillis.get();
			if (newest == Long.MIN_VALUE && this.newestMillis.compareAndSet(Long.MIN_VALUE, sentAtMillis)) {
				// Registered with the first heartbeat: before it, this instance knows no heartbeat lag.
				Gauge.builder("job.queue.heartbeat.timestamp", this.newestMillis, (value) -> value.get() / 1e3)
					.description("Unix time at which the newest heartbeat consumed from the queue by this instance "
							+ "was sent; time() minus it is the consumers' lag, also on an idle queue")
					.baseUnit("seconds")
					.tag("queue", this.queue)
					.strongReference(true)
					.register(this.registry);
			}
			newest = this.newestMillis.get();
			while (sentAtMillis > newest && !this.newestMillis.compareAndSet(newest, sentAtMillis)) {
				newest = this.newestMillis.get();
			}
			this.consumed.increment();
		}

	}

}
