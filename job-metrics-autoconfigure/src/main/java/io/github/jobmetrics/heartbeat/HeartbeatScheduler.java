package io.github.jobmetrics.heartbeat;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;

/**
 * Sends a heartbeat to every destination once per interval, the first as soon as the application has started, on
 * a thread of its own: a single daemon thread, so that a slow or unreachable broker delays only heartbeats, and
 * stopped without waiting when the context closes, so that it never lengthens a shutdown. A destination that
 * cannot be sent to is logged once (WARN) until it can again; nothing else counts the failure (the missing
 * heartbeat shows as lag, and in sent minus consumed when the broker lost one it took).
 *
 * @since 0.3.0
 */
public final class HeartbeatScheduler implements SmartLifecycle, DisposableBean {

	private static final Log logger = LogFactory.getLog(HeartbeatScheduler.class);

	private final HeartbeatMeters meters;

	private final Duration interval;

	private final Supplier<List<HeartbeatDestination>> destinationsSource;

	private volatile @Nullable List<HeartbeatDestination> destinations;

	private final Set<HeartbeatDestination> failing = ConcurrentHashMap.newKeySet();

	private volatile @Nullable ScheduledExecutorService executor;

	private volatile boolean stopped;

	/**
	 * Creates the scheduler.
	 * @param meters the meters to count heartbeats sent in
	 * @param interval the time between two heartbeats to a destination
	 * @param destinations where to send them, read when the scheduler starts
	 */
	public HeartbeatScheduler(HeartbeatMeters meters, Duration interval,
			Supplier<List<HeartbeatDestination>> destinations) {
		this.meters = meters;
		this.interval = interval;
		this.destinationsSource = destinations;
	}

	/**
	 * Returns the destinations heartbeats are sent to, read from their source once.
	 * @return the destinations
	 */
	public List<HeartbeatDestination> destinations() {
		List<HeartbeatDestination> destinations = this.destinations;
		if (destinations == null) {
			synchronized (this) {
				destinations = this.destinations;
				if (destinations == null) {
					destinations = List.copyOf(this.destinationsSource.get());
					destinations.forEach((destination) -> this.meters.register(destination.queue()));
					this.destinations = destinations;
				}
			}
		}
		return destinations;
	}

	@Override
	public synchronized void start() {
		if (this.executor != null) {
			return;
		}
		if (destinations().isEmpty()) {
			return;
		}
		this.stopped = false;
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "job-metrics-heartbeat");
			thread.setDaemon(true);
			return thread;
		});
		executor.scheduleAtFixedRate(() -> beat(() -> this.stopped), 0, this.interval.toMillis(), TimeUnit.MILLISECONDS);
		this.executor = executor;
	}

	/**
	 * Sends one heartbeat to every destination now. Never throws.
	 */
	void beat() {
		beat(() -> false);
	}

	private void beat(BooleanSupplier stopped) {
		for (HeartbeatDestination destination : destinations()) {
			if (stopped.getAsBoolean()) {
				return;
			}
			try {
				int sent = destination.send(System.currentTimeMillis());
				for (int i = 0; i < sent; i++) {
					this.meters.sent(destination.queue());
				}
				if (this.failing.remove(destination)) {
					logger.info("job-metrics sends heartbeats to '" + destination.queue() + "' again");
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (Exception | LinkageError ex) {
				if (this.failing.add(destination)) {
					logger.warn("job-metrics cannot send heartbeats to '" + destination.queue() + "' (logged once "
							+ "until it can again; the application is unaffected, and the queue's heartbeat lag "
							+ "grows): " + ex, ex);
				}
			}
		}
	}

	@Override
	public synchronized void stop() {
		ScheduledExecutorService executor = this.executor;
		this.executor = null;
		if (executor != null) {
			this.stopped = true;
			// Neither awaited nor interrupted: a heartbeat caught in a send to a broker that does not answer must not
			// hold the shutdown, and one that is on its way is counted when the broker has taken it (an interrupt
			// would leave it sent but uncounted). No destination is sent to after this.
			executor.shutdown();
		}
	}

	@Override
	public boolean isRunning() {
		return this.executor != null;
	}

	@Override
	public void destroy() {
		stop();
	}

	// Stops before the listener containers (DEFAULT_PHASE) and starts after them.
	@Override
	public int getPhase() {
		return DEFAULT_PHASE;
	}

}
