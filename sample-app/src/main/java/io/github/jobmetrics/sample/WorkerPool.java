package io.github.jobmetrics.sample;

import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Workers that always have a job: each takes the next one as soon as the last ends. Since the workers are
 * never idle, the truth is known: they work {@code workers} seconds every second from the moment they
 * start, which {@code sample_workers_started_timestamp_seconds} records.
 */
@Component
class WorkerPool implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(WorkerPool.class);

	private final ExperimentJob job;

	private final WorkerProperties properties;

	private final JobDurations durations;

	private final MeterRegistry registry;

	private volatile ExecutorService executor;

	private volatile double startedEpochSeconds = Double.NaN;

	WorkerPool(ExperimentJob job, WorkerProperties properties, MeterRegistry registry) {
		this.job = job;
		this.properties = properties;
		this.registry = registry;
		this.durations = new JobDurations(properties.minDuration(), properties.maxDuration(), properties.seed());
	}

	@Override
	public void start() {
		Gauge.builder("sample.workers", this.properties, WorkerProperties::workers)
			.description("Workers in the pool, each always busy")
			.register(this.registry);
		Gauge.builder("sample.workers.started.timestamp", this, (pool) -> pool.startedEpochSeconds)
			.description("Unix time at which the workers started")
			.baseUnit("seconds")
			.register(this.registry);
		this.executor = Executors.newFixedThreadPool(this.properties.workers());
		this.startedEpochSeconds = Instant.now().toEpochMilli() / 1e3;
		for (int i = 0; i < this.properties.workers(); i++) {
			this.executor.execute(this::work);
		}
		logger.info(this.properties.workers() + " workers started, jobs of " + this.properties.minDuration()
				+ " to " + this.properties.maxDuration());
	}

	private void work() {
		while (!Thread.currentThread().isInterrupted()) {
			try {
				this.job.process(this.durations.next());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	@Override
	public void stop() {
		ExecutorService executor = this.executor;
		if (executor != null) {
			executor.shutdownNow();
			try {
				executor.awaitTermination(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	@Override
	public boolean isRunning() {
		return this.executor != null && !this.executor.isShutdown();
	}

}
