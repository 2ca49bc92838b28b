package io.github.jobmetrics.shutdown;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link Scrapers}: who counts as a regular scraper, when one has read the final values, and the bound on
 * how many are remembered. Times are given, not read from a clock.
 */
class ScrapersTests {

	private static final long SECOND = Duration.ofSeconds(1).toNanos();

	private static final Duration WINDOW = Duration.ofSeconds(30);

	private final Scrapers scrapers = new Scrapers();

	@Test
	void aScraperIsRegularAfterTwoScrapesAndWhileItWasSeenWithinTheWindow() {
		scrape("prometheus-a", 0);
		assertThat(this.scrapers.regular(SECOND, WINDOW)).isEmpty();
		scrape("prometheus-a", 15 * SECOND);
		assertThat(this.scrapers.regular(16 * SECOND, WINDOW)).extracting(Scrapers.Scraper::identity)
			.containsExactly("prometheus-a");
		assertThat(this.scrapers.regular(46 * SECOND, WINDOW)).isEmpty();
	}

	@Test
	void aScraperHasReadSinceATimeOnlyWithACompletedScrapeThatStartedAfterIt() {
		scrape("prometheus-a", 0);
		scrape("prometheus-a", 10 * SECOND);
		Scrapers.Scraper scraper = this.scrapers.regular(11 * SECOND, WINDOW).get(0);
		assertThat(scraper.hasReadSince(5 * SECOND)).isTrue();
		assertThat(scraper.hasReadSince(10 * SECOND)).isFalse();
		this.scrapers.started("prometheus-a", 20 * SECOND);
		assertThat(scraper.hasReadSince(15 * SECOND)).as("a scrape still in progress").isFalse();
		this.scrapers.completed("prometheus-a", 20 * SECOND);
		assertThat(scraper.hasReadSince(15 * SECOND)).isTrue();
	}

	// An older scrape that completes after a newer one must not move the last read back.
	@Test
	void keepsTheLatestStartOfTheCompletedScrapes() {
		this.scrapers.started("prometheus-a", 0);
		this.scrapers.started("prometheus-a", 10 * SECOND);
		this.scrapers.completed("prometheus-a", 10 * SECOND);
		this.scrapers.completed("prometheus-a", 0);
		assertThat(this.scrapers.regular(11 * SECOND, WINDOW).get(0).hasReadSince(5 * SECOND)).isTrue();
	}

	@Test
	void forgetsTheLeastRecentScraperBeyondTheBound() {
		for (int i = 0; i <= Scrapers.MAX_SCRAPERS; i++) {
			scrape("client-" + i, i * SECOND);
			scrape("client-" + i, i * SECOND);
		}
		assertThat(this.scrapers.regular(Scrapers.MAX_SCRAPERS * SECOND, Duration.ofHours(1)))
			.hasSize(Scrapers.MAX_SCRAPERS)
			.extracting(Scrapers.Scraper::identity)
			.doesNotContain("client-0")
			.contains("client-" + Scrapers.MAX_SCRAPERS);
	}

	private void scrape(String identity, long nanos) {
		this.scrapers.started(identity, nanos);
		this.scrapers.completed(identity, nanos);
	}

}
