package io.github.jobmetrics.shutdown;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The clients that have read the scrape endpoint, each with when it last started a scrape and when the last scrape
 * that it completed had started: a scrape reads the meters while it runs (they are computed at read time), so a
 * completed scrape that started after a run's end has read that end.
 * <p>
 * Bounded: a client that sends a new identity with each request (a new User-Agent every time) must not grow it
 * without end, so beyond {@link #MAX_SCRAPERS} the oldest are forgotten.
 */
final class Scrapers {

	static final int MAX_SCRAPERS = 32;

	private final ConcurrentMap<String, Scraper> scrapers = new ConcurrentHashMap<>();

	/**
	 * Records the start of a scrape.
	 * @param identity the scraper's identity
	 * @param nanos {@link System#nanoTime()} at the start
	 */
	void started(String identity, long nanos) {
		Scraper scraper = this.scrapers.get(identity);
		if (scraper == null) {
			if (this.scrapers.size() >= MAX_SCRAPERS) {
				forgetOldest();
			}
			scraper = this.scrapers.computeIfAbsent(identity, Scraper::new);
		}
		scraper.started(nanos);
	}

	/**
	 * Records that a scrape has completed: its response holds what the meters said when it ran.
	 * @param identity the scraper's identity
	 * @param startNanos {@link System#nanoTime()} at the start of that scrape
	 */
	void completed(String identity, long startNanos) {
		Scraper scraper = this.scrapers.get(identity);
		if (scraper != null) {
			scraper.completed(startNanos);
		}
	}

	/**
	 * The scrapers that scrape regularly: seen at least twice, the last time within the given window before
	 * {@code nowNanos}. A single request (someone's {@code curl}, a test's one read) is no scraper to wait for.
	 * @param nowNanos the time the window ends
	 * @param window how recently a scraper must have been seen
	 * @return the regular scrapers
	 */
	List<Scraper> regular(long nowNanos, Duration window) {
		List<Scraper> regular = new ArrayList<>();
		for (Scraper scraper : this.scrapers.values()) {
			if (scraper.scrapes() >= 2 && nowNanos - scraper.lastStartNanos() <= window.toNanos()) {
				regular.add(scraper);
			}
		}
		return regular;
	}

	private void forgetOldest() {
		Scraper oldest = null;
		for (Scraper scraper : this.scrapers.values()) {
			if (oldest == null || scraper.lastStartNanos() - oldest.lastStartNanos() < 0) {
				oldest = scraper;
			}
		}
		if (oldest != null) {
			this.scrapers.remove(oldest.identity(), oldest);
		}
	}

	static final class Scraper {

		private final String identity;

		private long scrapes;

		private long lastStartNanos;

		private long lastCompletedStartNanos;

		private boolean completedOnce;

		Scraper(String identity) {
			this.identity = identity;
		}

		String identity() {
			return this.identity;
		}

		synchronized void started(long nanos) {
			this.scrapes++;
			this.lastStartNanos = nanos;
		}

		synchronized void completed(long startNanos) {
			if (!this.completedOnce || startNanos - this.lastCompletedStartNanos > 0) {
				this.lastCompletedStartNanos = startNanos;
				this.completedOnce = true;
			}
		}

		synchronized long scrapes() {
			return this.scrapes;
		}

		synchronized long lastStartNanos() {
			return this.lastStartNanos;
		}

		/**
		 * Whether a scrape that started after the given time has completed.
		 * @param nanos a {@link System#nanoTime()}
		 * @return whether this scraper has read what the meters said after that time
		 */
		synchronized boolean hasReadSince(long nanos) {
			return this.completedOnce && this.lastCompletedStartNanos - nanos > 0;
		}

		@Override
		public String toString() {
			return this.identity;
		}

	}

}
