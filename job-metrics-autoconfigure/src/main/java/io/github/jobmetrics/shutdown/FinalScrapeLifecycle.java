package io.github.jobmetrics.shutdown;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.github.jobmetrics.JobTracer;
import io.github.jobmetrics.micrometer.MicrometerJobTracer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;

/**
 * Holds a graceful shutdown back, before the web server stops, until the runs in flight have ended and one more
 * scrape interval has passed, so that the last scrape of {@code /actuator/prometheus} holds the work and the
 * results of every run that ended.
 * <p>
 * Spring stops lifecycle beans from the highest phase to the lowest. This one stops in {@link #PHASE}: after the
 * beans that take new work and stop it themselves (message listener containers at {@code Integer.MAX_VALUE},
 * Kafka's at {@code Integer.MAX_VALUE - 100}, and any {@code SmartLifecycle} of the default phase), and before
 * Spring Boot's graceful web server shutdown ({@code Integer.MAX_VALUE - 1024}), the management server of a
 * separate port ({@code Integer.MAX_VALUE - 1536}) and the web server stop ({@code Integer.MAX_VALUE - 2048}).
 * Task executors and schedulers stop later still ({@code Integer.MAX_VALUE / 2}) or only when destroyed; the runs
 * they are running then are waited for here if they end by themselves within the bound.
 * <p>
 * The whole stop is bounded by Spring's own timeout of a shutdown phase
 * ({@code spring.lifecycle.timeout-per-shutdown-phase}, 30 s by default), less a small margin so that it ends
 * before Spring gives up on it: runs are waited for until one scrape interval before that bound, then one scrape
 * interval passes. A run still in flight at the end has its work exported up to the last scrape, as when the
 * process is killed; its end is not. When no run is in flight and none ended within the last scrape interval,
 * every scraper has already read the final values and the stop is immediate.
 *
 * @since 0.2.0
 */
public final class FinalScrapeLifecycle implements SmartLifecycle {

	/**
	 * The lifecycle phase: {@code Integer.MAX_VALUE - 512}, between the message listener containers and Spring
	 * Boot's graceful web server shutdown.
	 */
	public static final int PHASE = Integer.MAX_VALUE - 512;

	private static final Log logger = LogFactory.getLog(FinalScrapeLifecycle.class);

	private static final Duration POLL_INTERVAL = Duration.ofMillis(20);

	private final Supplier<JobTracer> jobTracer;

	private final Duration scrapeInterval;

	private final Duration budget;

	private volatile boolean running;

	/**
	 * Creates the lifecycle.
	 * @param jobTracer supplies the tracer whose runs are waited for (only a {@link MicrometerJobTracer} knows
	 * them; with another, the stop is immediate)
	 * @param scrapeInterval the longest interval at which anything scrapes the application
	 * @param phaseTimeout Spring's timeout of a shutdown phase, which bounds the whole stop
	 * @throws IllegalArgumentException if the scrape interval is not positive or leaves no time in the phase
	 */
	public FinalScrapeLifecycle(Supplier<JobTracer> jobTracer, Duration scrapeInterval, Duration phaseTimeout) {
		this.jobTracer = jobTracer;
		this.scrapeInterval = scrapeInterval;
		this.budget = budget(phaseTimeout);
		if (scrapeInterval.isNegative() || scrapeInterval.isZero()) {
			throw new IllegalArgumentException("The scrape interval must be positive, got " + scrapeInterval);
		}
		if (scrapeInterval.compareTo(this.budget) >= 0) {
			throw new IllegalArgumentException("The scrape interval (" + scrapeInterval
					+ ") must be shorter than the shutdown phase timeout less its margin (" + this.budget + ")");
		}
	}

	/**
	 * Returns how long a stop lasts at most: the phase timeout less a margin of a tenth, at most one second, so
	 * that the stop ends before Spring stops waiting for it.
	 * @param phaseTimeout Spring's timeout of a shutdown phase
	 * @return the bound of a stop
	 */
	public static Duration budget(Duration phaseTimeout) {
		Duration margin = phaseTimeout.dividedBy(10);
		return phaseTimeout.minus((margin.compareTo(Duration.ofSeconds(1)) < 0) ? margin : Duration.ofSeconds(1));
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		try {
			holdBack();
		}
		finally {
			this.running = false;
		}
	}

	// On a thread of its own, so that Spring's phase timeout applies and other beans of the phase stop meanwhile.
	@Override
	public void stop(Runnable callback) {
		Thread thread = new Thread(() -> {
			try {
				stop();
			}
			finally {
				callback.run();
			}
		}, "job-metrics-final-scrape");
		thread.setDaemon(true);
		thread.start();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	// A pause (for a checkpoint or a restart) is not an end: nothing needs a final scrape.
	@Override
	public boolean isPauseable() {
		return false;
	}

	private void holdBack() {
		if (!(this.jobTracer.get() instanceof MicrometerJobTracer tracer)) {
			logger.debug("No MicrometerJobTracer: nothing to export before the web server stops");
			return;
		}
		long start = System.nanoTime();
		long runsDeadline = start + this.budget.minus(this.scrapeInterval).toNanos();
		int inFlight = tracer.inFlightRuns();
		Duration sinceLastEnd = tracer.sinceLastRunEnded();
		if (inFlight == 0 && (sinceLastEnd == null || sinceLastEnd.compareTo(this.scrapeInterval) >= 0)) {
			logger.debug("No run in flight or ended within the last scrape interval: every scraper has read them");
			return;
		}
		if (inFlight > 0) {
			logger.info(String.format(Locale.ROOT,
					"Graceful shutdown: keeping the web server up for %d job run(s) in flight (at most %s), then %s "
							+ "for a final scrape (job-metrics.shutdown.scrape-interval)",
					inFlight, format(this.budget.minus(this.scrapeInterval)), format(this.scrapeInterval)));
		}
		else {
			logger.info(String.format(Locale.ROOT,
					"Graceful shutdown: keeping the web server up %s for a final scrape of the runs that ended %s ago "
							+ "(job-metrics.shutdown.scrape-interval)",
					format(this.scrapeInterval.minus(sinceLastEnd)), format(sinceLastEnd)));
		}
		try {
			while (inFlight > 0 && System.nanoTime() - runsDeadline < 0) {
				TimeUnit.NANOSECONDS.sleep(Math.min(POLL_INTERVAL.toNanos(), runsDeadline - System.nanoTime()));
				inFlight = tracer.inFlightRuns();
			}
			Duration wait = this.scrapeInterval;
			if (inFlight == 0) {
				sinceLastEnd = tracer.sinceLastRunEnded();
				wait = (sinceLastEnd != null) ? this.scrapeInterval.minus(sinceLastEnd) : Duration.ZERO;
			}
			else {
				logger.warn(String.format(Locale.ROOT,
						"Graceful shutdown: %d job run(s) still in flight after %s; their work is exported up to the "
								+ "final scrape, their end is not. Raise spring.lifecycle.timeout-per-shutdown-phase "
								+ "above the longest run plus job-metrics.shutdown.scrape-interval to wait for them",
						inFlight, format(Duration.ofNanos(System.nanoTime() - start))));
			}
			if (!wait.isNegative()) {
				TimeUnit.NANOSECONDS.sleep(wait.toNanos());
			}
			logger.info(String.format(Locale.ROOT, "Graceful shutdown: final scrape window passed after %s",
					format(Duration.ofNanos(System.nanoTime() - start))));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static String format(@Nullable Duration duration) {
		return (duration != null) ? String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1e3) : "-";
	}

}
