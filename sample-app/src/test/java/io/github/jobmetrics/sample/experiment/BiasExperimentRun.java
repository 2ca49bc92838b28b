package io.github.jobmetrics.sample.experiment;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

import io.github.jobmetrics.sample.experiment.PrometheusApi.Sample;

import static org.awaitility.Awaitility.await;

/**
 * One run of the article's experiment against a running sample app and the Prometheus that scrapes it: after
 * a warm-up, Prometheus collects {@code runLength} of scrapes, then both views of the workers' activity are
 * evaluated every second over that period:
 * <ul>
 * <li>worked seconds, {@code sum(rate(job_worked_seconds_total[w]))}, which include the elapsed part of runs in
 * flight at each scrape;</li>
 * <li>the completion-time view, {@code sum(rate(job_duration_seconds_sum[w]))}, where a run counts only when it
 * ends.</li>
 * </ul>
 * The truth is known without asking the tracer: the workers are never idle, so they do {@code workers} worked
 * seconds every second.
 *
 * @param settings the parameters of the run
 * @param start Unix time of the first evaluated point
 * @param end Unix time of the last evaluated point
 * @param worked the worked-seconds rate, a point per second
 * @param completed the completion-time rate, a point per second
 * @param jitter how much the scrapes wavered, which bounds the accuracy any counter can show
 */
record BiasExperimentRun(ExperimentSettings settings, double start, double end, List<Sample> worked,
		List<Sample> completed, ScrapeJitter jitter) {

	static final String WORKED = "job_worked_seconds_total{job_name=\"experiment\"}";

	static final String COMPLETED = "job_duration_seconds_sum{job_name=\"experiment\"}";

	private static final Duration STEP = Duration.ofSeconds(1);

	/**
	 * Waits out the warm-up and the measured period (as scrapes that reach Prometheus), then queries both
	 * series. The warm-up lasts until every worker's first job has ended (before that the completion-time view
	 * has seen no long job end and is low for a reason that is not the bias under test) and Prometheus holds a
	 * full rate window plus two scrapes.
	 */
	static BiasExperimentRun measure(ExperimentSettings settings, PrometheusApi prometheus) {
		double firstScrape = await("first scrape of the app").atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(500))
			.until(() -> prometheus.value("timestamp(" + WORKED + ")", now()), (time) -> !Double.isNaN(time));
		double started = prometheus.value("sample_workers_started_timestamp_seconds", now());
		double start = Math.ceil(Math.max(started + seconds(settings.maxDuration()),
				firstScrape + seconds(settings.window()) + 2 * seconds(settings.scrapeInterval())));
		double end = start + settings.runLength().toSeconds();
		awaitScrapesUntil(prometheus, WORKED, end);
		List<Sample> worked = prometheus.queryRange(rate(WORKED, settings.window()), start, end, STEP);
		List<Sample> completed = prometheus.queryRange(rate(COMPLETED, settings.window()), start, end, STEP);
		ScrapeJitter jitter = ScrapeJitter.measure(settings, prometheus, started, start, end);
		return new BiasExperimentRun(settings, start, end, worked, completed, jitter);
	}

	/**
	 * Waits out a measured period, rather than skipping it: until Prometheus has stored a scrape of the selector
	 * at or after its end, not every point of it is final.
	 * @param prometheus the Prometheus that scrapes the app
	 * @param selector a series of the app
	 * @param end Unix time of the last point of the period
	 */
	static void awaitScrapesUntil(PrometheusApi prometheus, String selector, double end) {
		await("scrapes up to " + Instant.ofEpochMilli((long) (end * 1e3)))
			.atMost(Duration.ofMillis((long) (Math.max(0, end - now()) * 1e3)).plusSeconds(30))
			.pollDelay(Duration.ofMillis((long) (Math.max(0, end - now()) * 1e3)))
			.pollInterval(Duration.ofMillis(500))
			.until(() -> prometheus.value("timestamp(" + selector + ")", now()) >= end);
	}

	static String rate(String selector, Duration window) {
		return "sum(rate(" + selector + "[" + window.toSeconds() + "s]))";
	}

	int points() {
		return (int) Math.round((this.end - this.start) / seconds(STEP)) + 1;
	}

	SeriesAccuracy workedAccuracy(double tolerance) {
		return SeriesAccuracy.of(this.worked, points(), this.settings.workers(), tolerance);
	}

	SeriesAccuracy completedAccuracy(double tolerance) {
		return SeriesAccuracy.of(this.completed, points(), this.settings.workers(), tolerance);
	}

	/**
	 * The figures of the run, for the build log.
	 */
	String report() {
		Duration window = this.settings.window();
		return String.join(System.lineSeparator(),
				"Bias experiment: " + this.settings.describe() + ", " + points() + " points from "
						+ Instant.ofEpochSecond((long) this.start) + " to " + Instant.ofEpochSecond((long) this.end),
				"  worked seconds   " + rate(WORKED, window) + ": " + workedAccuracy(0.02),
				"  completion time  " + rate(COMPLETED, window) + ": " + completedAccuracy(0.05)
						+ String.format(Locale.ROOT, "; %.1f%% within ±2%%",
								completedAccuracy(0.02).withinShare() * 100),
				"  scrape jitter    " + this.jitter);
	}

	private static double seconds(Duration duration) {
		return duration.toMillis() / 1e3;
	}

	static double now() {
		return System.currentTimeMillis() / 1e3;
	}

	/**
	 * How much the scrapes wavered over the measured period, in the two forms that matter:
	 * <ul>
	 * <li>the read delay, between the timestamp Prometheus gives a sample and the moment the app read the
	 * counter: {@code value / workers - (timestamp - started)}, for always-busy workers. What moves the rate
	 * of a perfect counter is its change across a window, over {@code window - interval} seconds;</li>
	 * <li>how long Prometheus's scrapes of the app took ({@code scrape_duration_seconds}).</li>
	 * </ul>
	 *
	 * @param delayChangeMedian median change of the read delay across a window, in seconds
	 * @param delayChangeP99 99th percentile of that change
	 * @param delayChangeMax largest change
	 * @param worstRateError the rate error that largest change causes, in busy workers
	 * @param scrapeDurationMean mean scrape duration in seconds
	 * @param scrapeDurationMax longest scrape
	 * @param intervalDeviationMax largest deviation of the spacing of sample timestamps from the interval
	 * @param allowedDelayChange the change a ±2% bound on the rate tolerates: 2% of {@code window - interval}
	 */
	record ScrapeJitter(double delayChangeMedian, double delayChangeP99, double delayChangeMax,
			double worstRateError, double scrapeDurationMean, double scrapeDurationMax, double intervalDeviationMax,
			double allowedDelayChange) {

		static ScrapeJitter measure(ExperimentSettings settings, PrometheusApi prometheus, double started,
				double start, double end) {
			double interval = seconds(settings.scrapeInterval());
			double span = seconds(settings.window()) - interval;
			Duration range = Duration.ofSeconds((long) Math.ceil(end - start) + settings.window().toSeconds());
			List<Sample> raw = prometheus.rawSamples(WORKED, range, end);
			int lag = (int) Math.round(span / interval);
			List<Double> changes = new ArrayList<>();
			double intervalDeviation = 0;
			for (int i = 0; i + lag < raw.size(); i++) {
				changes.add(
						Math.abs(delay(raw.get(i + lag), settings, started) - delay(raw.get(i), settings, started)));
			}
			for (int i = 1; i < raw.size(); i++) {
				intervalDeviation = Math.max(intervalDeviation,
						Math.abs(raw.get(i).time() - raw.get(i - 1).time() - interval));
			}
			Collections.sort(changes);
			String durations = "scrape_duration_seconds{job=\"" + PrometheusContainer.JOB + "\"}[" + range.toSeconds()
					+ "s]";
			double max = changes.isEmpty() ? Double.NaN : changes.get(changes.size() - 1);
			return new ScrapeJitter(percentile(changes, 0.5), percentile(changes, 0.99), max,
					settings.workers() * max / span, prometheus.value("avg_over_time(" + durations + ")", end),
					prometheus.value("max_over_time(" + durations + ")", end), intervalDeviation, 0.02 * span);
		}

		private static double delay(Sample sample, ExperimentSettings settings, double started) {
			return sample.value() / settings.workers() - (sample.time() - started);
		}

		private static double percentile(List<Double> sorted, double quantile) {
			return sorted.isEmpty() ? Double.NaN
					: sorted.get((int) Math.min(sorted.size() - 1, Math.floor(quantile * sorted.size())));
		}

		@Override
		public String toString() {
			return String.format(Locale.ROOT,
					"read delay change across a window: median %.1f ms, p99 %.1f ms, max %.1f ms (worst rate error "
							+ "%.3f busy workers; ±2%% tolerates %.0f ms); scrape duration mean %.1f ms, max %.1f ms; "
							+ "sample spacing off the interval by at most %.1f ms",
					this.delayChangeMedian * 1e3, this.delayChangeP99 * 1e3, this.delayChangeMax * 1e3,
					this.worstRateError, this.allowedDelayChange * 1e3, this.scrapeDurationMean * 1e3,
					this.scrapeDurationMax * 1e3, this.intervalDeviationMax * 1e3);
		}

	}

}
