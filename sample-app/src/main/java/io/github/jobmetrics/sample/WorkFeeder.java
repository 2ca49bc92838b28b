package io.github.jobmetrics.sample;

import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.stereotype.Component;

/**
 * The producer: keeps {@code 2 × sample.workers} messages waiting on the {@code work} queue, each asking for a
 * job of a half-normal duration, so that the {@code sample.workers} consumers of {@link ExperimentJob} are never
 * idle. Since they never are, the truth is known: they work {@code workers} seconds every second from the start
 * of the first job, which {@code sample_workers_started_timestamp_seconds} records. It also hands one receipt a
 * second to the {@code @Async} job {@link ReceiptRendering}, which runs on other threads than the consumers'.
 */
@Component
class WorkFeeder implements SmartLifecycle {

	static final String QUEUE = "work";

	private static final Log logger = LogFactory.getLog(WorkFeeder.class);

	// Often enough that the backlog never drains: the shortest job is far longer.
	private static final long TOP_UP_MILLIS = 20;

	private final JmsTemplate jms;

	private final WorkerProperties properties;

	private final JobDurations durations;

	private final MeterRegistry registry;

	private final ReceiptRendering receipts;

	private final AtomicLong sent = new AtomicLong();

	private final AtomicLong started = new AtomicLong();

	private volatile double startedEpochSeconds = Double.NaN;

	private volatile ScheduledExecutorService producer;

	WorkFeeder(JmsTemplate jms, WorkerProperties properties, MeterRegistry registry, ReceiptRendering receipts) {
		this.jms = jms;
		this.properties = properties;
		this.registry = registry;
		this.receipts = receipts;
		this.durations = new JobDurations(properties.minDuration(), properties.maxDuration(), properties.seed());
	}

	@Override
	public void start() {
		Gauge.builder("sample.workers", this.properties, WorkerProperties::workers)
			.description("Consumers of the work queue, each always busy")
			.register(this.registry);
		Gauge.builder("sample.workers.started.timestamp", this, (feeder) -> feeder.startedEpochSeconds)
			.description("Unix time at which the first job started")
			.baseUnit("seconds")
			.register(this.registry);
		this.producer = Executors.newSingleThreadScheduledExecutor((task) -> new Thread(task, "work-feeder"));
		this.producer.scheduleWithFixedDelay(this::topUp, 0, TOP_UP_MILLIS, TimeUnit.MILLISECONDS);
		this.producer.scheduleWithFixedDelay(this::handOverReceipt, 1, 1, TimeUnit.SECONDS);
		logger.info("Feeding queue '" + QUEUE + "' for " + this.properties.workers() + " workers, jobs of "
				+ this.properties.minDuration() + " to " + this.properties.maxDuration());
	}

	private void topUp() {
		try {
			long backlog = 2L * this.properties.workers() - (this.sent.get() - this.started.get());
			for (long i = 0; i < backlog; i++) {
				this.jms.convertAndSend(QUEUE, Long.toString(this.durations.next().toNanos()));
				this.sent.incrementAndGet();
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Could not feed queue '" + QUEUE + "'; trying again", ex);
		}
	}

	private void handOverReceipt() {
		try {
			this.receipts.render();
		}
		catch (InterruptedException | RuntimeException ex) {
			logger.warn("Could not hand a receipt over; trying again", ex);
		}
	}

	void jobStarted() {
		if (this.started.getAndIncrement() == 0) {
			this.startedEpochSeconds = Instant.now().toEpochMilli() / 1e3;
		}
	}

	@Override
	public void stop() {
		ScheduledExecutorService producer = this.producer;
		if (producer != null) {
			producer.shutdownNow();
		}
	}

	@Override
	public boolean isRunning() {
		return this.producer != null && !this.producer.isShutdown();
	}

}
