package io.github.jobmetrics.sample;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.LongAdder;

import io.github.jobmetrics.TracedJob;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The soak: one worker per core runs tiny jobs back to back ({@code sample.soak.job-duration} of busy work
 * each, 5 µs by default) for {@code sample.soak.duration}, then stops, while the app keeps serving its
 * metrics. Off unless {@code sample.soak.enabled=true}.
 * <p>
 * The app keeps its own truth beside job-metrics' meters: {@code sample_soak_runs_total} counts the runs it
 * made, {@code sample_soak_body_seconds_total} and {@code sample_soak_call_seconds_total} the time spent inside
 * the job's body and inside the calls to it (job-metrics' worked time must lie between the two),
 * {@code sample_soak_started_timestamp_seconds} and {@code sample_soak_stopped_timestamp_seconds} bound the
 * load, and {@code sample_soak_heap_live_bytes{phase="start"|"end"}} is the heap in use after a full collection
 * once warmed up and again at the end, with every worker still running.
 */
@Component
@ConditionalOnBooleanProperty("sample.soak.enabled")
class SoakLoad {

	private static final Log logger = LogFactory.getLog(SoakLoad.class);

	// Warm-up before the first heap reading: class loading, JIT, the first scrapes' buffers.
	private static final Duration WARM_UP = Duration.ofSeconds(5);

	private final TinyJob job;

	private final Duration duration;

	private final long jobNanos;

	private final int workers;

	private final LongAdder runs = new LongAdder();

	// Nanoseconds inside the job's body, and inside the call to it through its proxy: the run job-metrics
	// records lies between the two, so its worked time is bounded by both sums.
	private final LongAdder bodyNanos = new LongAdder();

	private final LongAdder callNanos = new LongAdder();

	private volatile double startedEpochSeconds = Double.NaN;

	private volatile double stoppedEpochSeconds = Double.NaN;

	private volatile double heapAtStart = Double.NaN;

	private volatile double heapAtEnd = Double.NaN;

	SoakLoad(TinyJob job, MeterRegistry registry, @Value("${sample.soak.duration:60s}") Duration duration,
			@Value("${sample.soak.job-duration:5us}") Duration jobDuration,
			@Value("${sample.soak.workers:0}") int workers) {
		this.job = job;
		this.duration = duration;
		this.jobNanos = jobDuration.toNanos();
		this.workers = (workers > 0) ? workers : Runtime.getRuntime().availableProcessors();
		FunctionCounter.builder("sample.soak.runs", this.runs, LongAdder::sum)
			.description("Runs of the soak's tiny job, counted by the app itself")
			.register(registry);
		FunctionCounter.builder("sample.soak.body", this.bodyNanos, (nanos) -> nanos.sum() / 1e9)
			.description("Seconds spent inside the tiny job's body, summed over runs")
			.baseUnit("seconds")
			.register(registry);
		FunctionCounter.builder("sample.soak.call", this.callNanos, (nanos) -> nanos.sum() / 1e9)
			.description("Seconds the soak's workers spent in their loop of calls to the tiny job through its proxy")
			.baseUnit("seconds")
			.register(registry);
		Gauge.builder("sample.soak.workers", this, (load) -> load.workers)
			.description("Workers of the soak, each always busy")
			.register(registry);
		Gauge.builder("sample.soak.started.timestamp", this, (load) -> load.startedEpochSeconds)
			.description("Unix time at which the soak's workers started")
			.baseUnit("seconds")
			.register(registry);
		Gauge.builder("sample.soak.stopped.timestamp", this, (load) -> load.stoppedEpochSeconds)
			.description("Unix time at which the last of the soak's workers stopped")
			.baseUnit("seconds")
			.register(registry);
		Gauge.builder("sample.soak.heap.live", this, (load) -> load.heapAtStart)
			.tag("phase", "start")
			.description("Heap in use after a full collection")
			.baseUnit("bytes")
			.register(registry);
		Gauge.builder("sample.soak.heap.live", this, (load) -> load.heapAtEnd)
			.tag("phase", "end")
			.description("Heap in use after a full collection")
			.baseUnit("bytes")
			.register(registry);
	}

	@EventListener(ApplicationReadyEvent.class)
	void start() {
		Thread coordinator = new Thread(this::soak, "soak");
		coordinator.setDaemon(true);
		coordinator.start();
	}

	private void soak() {
		Thread[] threads = new Thread[this.workers];
		long end = System.nanoTime() + this.duration.toNanos();
		this.startedEpochSeconds = Instant.now().toEpochMilli() / 1e3;
		for (int i = 0; i < threads.length; i++) {
			threads[i] = new Thread(() -> work(end), "soak-" + i);
			threads[i].setDaemon(true);
			threads[i].start();
		}
		logger.info(this.workers + " soak workers started, tiny jobs of " + this.jobNanos + " ns for "
				+ this.duration);
		try {
			Thread.sleep(Math.min(WARM_UP.toMillis(), this.duration.toMillis() / 4));
			this.heapAtStart = liveHeap();
			Thread.sleep(Math.max(0, (end - System.nanoTime()) / 1_000_000 - 1000));
			this.heapAtEnd = liveHeap();
			for (Thread thread : threads) {
				thread.join();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return;
		}
		this.stoppedEpochSeconds = Instant.now().toEpochMilli() / 1e3;
		logger.info("Soak stopped after " + this.runs.sum() + " runs");
	}

	private void work(long end) {
		long now = System.nanoTime();
		while (now - end < 0) {
			long body = this.job.run(this.jobNanos);
			long after = System.nanoTime();
			this.bodyNanos.add(body);
			this.callNanos.add(after - now);
			this.runs.increment();
			now = after;
		}
	}

	// The heap in use after a full collection: the sum over heap pools of their usage after the last
	// collection, which System.gc() makes a full one.
	private static double liveHeap() {
		System.gc();
		long used = 0;
		for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
			MemoryUsage usage = pool.getCollectionUsage();
			if (pool.getType() == MemoryType.HEAP && usage != null) {
				used += usage.getUsed();
			}
		}
		return used;
	}

	/**
	 * The soak's tiny job: busy work for a given number of nanoseconds.
	 */
	@Component
	@ConditionalOnBooleanProperty("sample.soak.enabled")
	static class TinyJob {

		private volatile long sink;

		@TracedJob(name = "soak", queue = "tiny")
		public long run(long nanos) {
			long start = System.nanoTime();
			long now = start;
			long spins = 0;
			while (now - start < nanos) {
				spins++;
				now = System.nanoTime();
			}
			this.sink = spins;
			return now - start;
		}

	}

}
