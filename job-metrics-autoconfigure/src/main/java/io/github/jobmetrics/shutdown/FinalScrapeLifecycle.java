package io.github.jobmetrics.shutdown;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.github.jobmetrics.JobTracer;
import io.github.jobmetrics.micrometer.MicrometerJobTracer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.push.PushMeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.Ordered;

/**
 * Holds a graceful stop back, while the server that serves {@code /actuator/prometheus} is still up, until the
 * runs in flight have ended and every scraper has read their ends: the stop ends at the first complete scrape by
 * each scraper after the last run's end, and at most one scrape interval after it.
 * <p>
 * What it waits for:
 * <ul>
 * <li>Scrapers: the clients that read the {@code prometheus} endpoint regularly (at least twice, the last time
 * within two scrape intervals), told apart by {@link PrometheusScrapeAdvisor}. Only with a real web server: a mock
 * web environment (a {@code @SpringBootTest} without a port) has no scraper to wait for and stops at once.</li>
 * <li>With a push registry ({@link PushMeterRegistry}, such as OTLP's), the runs in flight when the close began:
 * the registry publishes once more when it closes, and Spring Boot closes every registry when the context closes
 * ({@code ContextClosedEvent}), before any lifecycle stops. So this waits there, as the first listener of that
 * event, and the final publish holds their ends.</li>
 * <li>Without either, nothing: the stop is immediate.</li>
 * </ul>
 * <p>
 * Spring stops lifecycle beans from the highest phase to the lowest. When one server serves the application and
 * Actuator, this one stops in {@link #PHASE}: after the beans that take new work and stop it themselves (message
 * listener containers at {@code Integer.MAX_VALUE}, Kafka's at {@code Integer.MAX_VALUE - 100}, and any
 * {@code SmartLifecycle} of the default phase), and before Spring Boot's graceful web server shutdown
 * ({@code Integer.MAX_VALUE - 1024}), the management server of a separate port ({@code Integer.MAX_VALUE - 1536})
 * and the web server stop ({@code Integer.MAX_VALUE - 2048}). When Actuator has a server of its own
 * ({@code management.server.port}), it stops in {@link #SEPARATE_MANAGEMENT_SERVER_PHASE}, after the graceful
 * shutdown of the application's server, which so stops taking traffic first, and before the management server
 * stops. Task executors and schedulers stop later still ({@code Integer.MAX_VALUE / 2}) or only when destroyed;
 * the runs they are running then are waited for here if they end by themselves within the bound.
 * <p>
 * The whole stop is bounded by Spring's own timeout of a shutdown phase
 * ({@code spring.lifecycle.timeout-per-shutdown-phase}, 30 s by default), less a small margin so that it ends
 * before Spring gives up on it: runs are waited for until one scrape interval before that bound, then the
 * scrapers for at most one scrape interval. A run still in flight at the end has its work exported up to the last
 * scrape, as when the process is killed; its end is not.
 *
 * @since 0.3.0
 */
public final class FinalScrapeLifecycle
		implements SmartLifecycle, ApplicationContextAware, ApplicationListener<ContextClosedEvent>, Ordered {

	/**
	 * The lifecycle phase when one server serves the application and Actuator: {@code Integer.MAX_VALUE - 512},
	 * between the message listener containers and Spring Boot's graceful web server shutdown.
	 */
	public static final int PHASE = Integer.MAX_VALUE - 512;

	/**
	 * The lifecycle phase when Actuator has a server of its own: {@code Integer.MAX_VALUE - 1280}, between the
	 * graceful shutdown of the application's server and the stop of the management server.
	 * @since 0.3.0
	 */
	public static final int SEPARATE_MANAGEMENT_SERVER_PHASE = Integer.MAX_VALUE - 1280;

	private static final Log logger = LogFactory.getLog(FinalScrapeLifecycle.class);

	private static final Duration POLL_INTERVAL = Duration.ofMillis(20);

	private final Scrapers scrapers = new Scrapers();

	private final Supplier<? extends @Nullable JobTracer> jobTracer;

	private final Supplier<? extends @Nullable MeterRegistry> meterRegistry;

	private final Duration scrapeInterval;

	// How recently a scraper must have been seen to be waited for: from the configured interval, even when the
	// wait is shortened, since the scrapers keep their own interval.
	private final Duration regularWindow;

	private final Duration budget;

	private final int phase;

	private @Nullable ApplicationContext applicationContext;

	private volatile boolean running;

	/**
	 * Creates the lifecycle. A scrape interval that does not fit in the phase timeout is shortened to what does,
	 * with a warning that names both settings.
	 * @param jobTracer supplies the tracer whose runs are waited for (only a {@link MicrometerJobTracer} knows
	 * them; with another, the stop is immediate)
	 * @param meterRegistry supplies the application's registry, to tell whether a push registry publishes on close
	 * @param scrapeInterval the longest interval at which anything scrapes the application
	 * @param phaseTimeout Spring's timeout of a shutdown phase, which bounds the whole stop
	 * @param separateManagementServer whether Actuator has a server of its own ({@code management.server.port})
	 * @throws IllegalArgumentException if the scrape interval is not positive
	 * @since 0.3.0
	 */
	public FinalScrapeLifecycle(Supplier<? extends @Nullable JobTracer> jobTracer,
			Supplier<? extends @Nullable MeterRegistry> meterRegistry, Duration scrapeInterval, Duration phaseTimeout,
			boolean separateManagementServer) {
		if (scrapeInterval.isNegative() || scrapeInterval.isZero()) {
			throw new IllegalArgumentException("The scrape interval must be positive, got " + scrapeInterval);
		}
		this.jobTracer = jobTracer;
		this.meterRegistry = meterRegistry;
		this.budget = budget(phaseTimeout);
		this.regularWindow = scrapeInterval.multipliedBy(2);
		this.phase = separateManagementServer ? SEPARATE_MANAGEMENT_SERVER_PHASE : PHASE;
		if (scrapeInterval.compareTo(this.budget) >= 0) {
			logger.warn(String.format(Locale.ROOT,
					"job-metrics.shutdown.scrape-interval (%s) does not fit in spring.lifecycle.timeout-per-shutdown-"
							+ "phase (%s) less its margin: a graceful stop waits at most %s for the final scrape and "
							+ "not for runs in flight. Raise spring.lifecycle.timeout-per-shutdown-phase above the "
							+ "scrape interval plus the longest run to wait for, or lower the scrape interval",
					format(scrapeInterval), format(phaseTimeout), format(this.budget)));
			this.scrapeInterval = this.budget;
		}
		else {
			this.scrapeInterval = scrapeInterval;
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

	/**
	 * Returns the longest a stop waits for the scrapers after the last run's end: the scrape interval, or less when
	 * the phase timeout is shorter.
	 * @return the scrape interval in effect
	 * @since 0.3.0
	 */
	public Duration getScrapeInterval() {
		return this.scrapeInterval;
	}

	Scrapers scrapers() {
		return this.scrapers;
	}

	@Override
	public void setApplicationContext(ApplicationContext applicationContext) {
		this.applicationContext = applicationContext;
	}

	/**
	 * Waits, before Spring Boot closes the registries, for the runs in flight to end when a push registry would
	 * publish its last values on that close.
	 * @param event the close of the application context
	 */
	@Override
	public void onApplicationEvent(ContextClosedEvent event) {
		if (event.getApplicationContext() != this.applicationContext
				|| !(this.jobTracer.get() instanceof MicrometerJobTracer tracer)
				|| !pushes(this.meterRegistry.get())) {
			return;
		}
		try {
			awaitRuns(tracer, System.nanoTime(), this.budget);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (RuntimeException ex) {
			logger.warn("Graceful shutdown: could not wait for the runs in flight", ex);
		}
	}

	// First among the listeners of the close: before Spring Boot's MeterRegistryCloser.
	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
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
		catch (RuntimeException ex) {
			logger.warn("Graceful shutdown: could not wait for the final scrape", ex);
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
		return this.phase;
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
		List<Scrapers.Scraper> scrapers = (this.applicationContext != null
				&& WebServerContexts.runsWebServer(this.applicationContext))
						? this.scrapers.regular(start, this.regularWindow) : List.of();
		if (scrapers.isEmpty()) {
			logger.debug("No scraper has read /actuator/prometheus regularly: nothing to wait for");
			return;
		}
		try {
			int inFlight = awaitRuns(tracer, start, this.budget.minus(this.scrapeInterval));
			long reference;
			if (inFlight > 0) {
				reference = System.nanoTime();
			}
			else {
				Duration sinceLastEnd = tracer.sinceLastRunEnded();
				if (sinceLastEnd == null) {
					logger.debug("No run has ended: every scraper has read the final values");
					return;
				}
				reference = System.nanoTime() - sinceLastEnd.toNanos();
			}
			awaitScrapers(scrapers, start, reference);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	// Waits for the runs in flight at the start, not for those started since (a scheduler still fires), and returns
	// how many are still in flight at the deadline.
	private int awaitRuns(MicrometerJobTracer tracer, long start, Duration bound) throws InterruptedException {
		int inFlight = tracer.inFlightRuns();
		if (!startedBefore(tracer.oldestRunInFlight(), start)) {
			return 0;
		}
		logger.info(String.format(Locale.ROOT,
				"Graceful shutdown: waiting for %d job run(s) in flight (at most %s), so that their ends are "
						+ "exported",
				inFlight, format(bound)));
		long deadline = start + bound.toNanos();
		boolean waiting = true;
		while (waiting && System.nanoTime() - deadline < 0) {
			TimeUnit.NANOSECONDS.sleep(Math.min(POLL_INTERVAL.toNanos(), deadline - System.nanoTime()));
			waiting = startedBefore(tracer.oldestRunInFlight(), start);
		}
		if (!waiting) {
			return 0;
		}
		inFlight = Math.max(1, tracer.inFlightRuns());
		logger.warn(String.format(Locale.ROOT,
				"Graceful shutdown: %d job run(s) still in flight after %s; their work is exported up to the "
						+ "final scrape, their end is not. Raise spring.lifecycle.timeout-per-shutdown-phase "
						+ "above the longest run plus job-metrics.shutdown.scrape-interval to wait for them",
				inFlight, format(Duration.ofNanos(System.nanoTime() - start))));
		return inFlight;
	}

	private void awaitScrapers(List<Scrapers.Scraper> scrapers, long start, long reference)
			throws InterruptedException {
		List<Scrapers.Scraper> pending = new ArrayList<>(scrapers);
		pending.removeIf((scraper) -> scraper.hasReadSince(reference));
		if (pending.isEmpty()) {
			logger.info(String.format(Locale.ROOT,
					"Graceful shutdown: every scraper has read the final values, %s after the stop began",
					format(Duration.ofNanos(System.nanoTime() - start))));
			return;
		}
		long end = start + this.budget.toNanos();
		long afterReference = reference + this.scrapeInterval.toNanos();
		long deadline = (afterReference - end < 0) ? afterReference : end;
		if (deadline - System.nanoTime() <= 0) {
			logger.debug("The last run ended more than a scrape interval ago: no scraper is still due");
			return;
		}
		logger.info(String.format(Locale.ROOT,
				"Graceful shutdown: keeping /actuator/prometheus up until %d scraper(s) have read the final values "
						+ "(at most %s, job-metrics.shutdown.scrape-interval): %s",
				pending.size(), format(Duration.ofNanos(Math.max(0, deadline - System.nanoTime()))), pending));
		while (!pending.isEmpty() && System.nanoTime() - deadline < 0) {
			TimeUnit.NANOSECONDS.sleep(Math.min(POLL_INTERVAL.toNanos(), deadline - System.nanoTime()));
			pending.removeIf((scraper) -> scraper.hasReadSince(reference));
		}
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		if (pending.isEmpty()) {
			logger.info(String.format(Locale.ROOT,
					"Graceful shutdown: every scraper has read the final values, %s after the stop began",
					format(took)));
		}
		else {
			logger.info(String.format(Locale.ROOT,
					"Graceful shutdown: no final scrape by %s within job-metrics.shutdown.scrape-interval; stopping "
							+ "%s after the stop began",
					pending, format(took)));
		}
	}

	private static boolean startedBefore(@Nullable Duration oldestRunInFlight, long start) {
		return oldestRunInFlight != null && oldestRunInFlight.toNanos() >= System.nanoTime() - start;
	}

	private static boolean pushes(@Nullable MeterRegistry registry) {
		if (registry instanceof PushMeterRegistry) {
			return true;
		}
		if (registry instanceof CompositeMeterRegistry composite) {
			for (MeterRegistry member : composite.getRegistries()) {
				if (pushes(member)) {
					return true;
				}
			}
		}
		return false;
	}

	private static String format(Duration duration) {
		return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1e3);
	}

}
