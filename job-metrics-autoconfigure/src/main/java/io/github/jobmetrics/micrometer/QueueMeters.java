package io.github.jobmetrics.micrometer;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

/**
 * The queue meters of one job, built with the first run that reports when its work was enqueued: a job that
 * takes nothing from a queue, or whose messages carry no timestamp, never shows a lag it does not have.
 */
final class QueueMeters {

	private final Timer wait;

	private final Counter clockSkew;

	private final AtomicLong lastEnqueuedMillis = new AtomicLong(Long.MIN_VALUE);

	QueueMeters(MeterRegistry registry, Tags tags, Duration[] buckets, long firstEnqueuedMillis) {
		this.lastEnqueuedMillis.set(firstEnqueuedMillis);
		this.wait = Timer.builder("job.queue.wait")
			.description("Time from the enqueueing of a message to the start of the run that handles it")
			.tags(tags)
			.serviceLevelObjectives(buckets)
			.register(registry);
		Gauge.builder("job.queue.last.enqueued.timestamp", this.lastEnqueuedMillis, (last) -> last.get() / 1e3)
			.description("Unix time at which the newest message that a run has started on was enqueued; "
					+ "time() minus it is the lag of the queue's consumers")
			.baseUnit("seconds")
			.tags(tags)
			.strongReference(true)
			.register(registry);
		this.clockSkew = Counter.builder("job.queue.wait.clock.skew")
			.description("Messages enqueued after the start of their run by this process's clock, recorded as a "
					+ "wait of 0: the producer's clock is ahead")
			.tags(tags)
			.register(registry);
	}

	void record(long enqueuedMillis, long waitMillis) {
		if (waitMillis < 0) {
			this.clockSkew.increment();
			waitMillis = 0;
		}
		this.wait.record(waitMillis, TimeUnit.MILLISECONDS);
		long last = this.lastEnqueuedMillis.get();
		while (enqueuedMillis > last && !this.lastEnqueuedMillis.compareAndSet(last, enqueuedMillis)) {
			last = this.lastEnqueuedMillis.get();
		}
	}

}
