package io.github.jobmetrics.micrometer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.jobmetrics.JobRun;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Two scrapers of one real {@link PrometheusMeterRegistry}, as a pair of Prometheus servers run for high
 * availability, while workers finish runs: each scraper sees every counter series of ours only grow, and once the
 * workers are done both read exactly the runs that happened, each counted once, and worked seconds equal to the
 * durations recorded. Sized to seconds; {@code -Djobmetrics.scrapers.runs=5000000} runs a longer version.
 */
class TwoScrapersTests {

	private static final Pattern COUNTER = Pattern
		.compile("^(job_(?:worked_seconds|executions|exceptions)_total\\{[^}]*\\}) (\\S+)$", Pattern.MULTILINE);

	private static final int WORKERS = 3;

	private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

	private final MicrometerJobTracer tracer = new MicrometerJobTracer(this.registry);

	@Test
	void countersNeverDecreaseForEitherScraperAndNothingIsCountedTwice() throws Exception {
		int runsPerWorker = Integer.getInteger("jobmetrics.scrapers.runs", 300_000) / WORKERS;
		AtomicBoolean working = new AtomicBoolean(true);
		ExecutorService threads = Executors.newFixedThreadPool(WORKERS + 2);
		try {
			List<Future<Integer>> scrapers = List.of(threads.submit(() -> scrapeWhile(working)),
					threads.submit(() -> scrapeWhile(working)));
			List<Future<?>> workers = new ArrayList<>();
			for (int w = 0; w < WORKERS; w++) {
				workers.add(threads.submit(() -> work(runsPerWorker)));
			}
			for (Future<?> worker : workers) {
				worker.get(5, TimeUnit.MINUTES);
			}
			working.set(false);
			for (Future<Integer> scraper : scrapers) {
				assertThat(scraper.get(1, TimeUnit.MINUTES)).as("scrapes taken while runs ended").isPositive();
			}
		}
		finally {
			threads.shutdownNow();
		}
		int runs = runsPerWorker * WORKERS;
		Map<String, Double> last = counters(this.registry.scrape());
		double executions = last.entrySet().stream().filter((e) -> e.getKey().startsWith("job_executions_total"))
			.mapToDouble(Map.Entry::getValue).sum();
		assertThat(executions).isEqualTo(runs);
		// Every tenth run of each job fails.
		double failures = last.entrySet().stream().filter((e) -> e.getKey().startsWith("job_exceptions_total"))
			.mapToDouble(Map.Entry::getValue).sum();
		assertThat(failures).isEqualTo(runs / 10);
		for (String job : List.of("a", "b")) {
			double worked = last.get("job_worked_seconds_total{job_name=\"" + job + "\",queue=\"none\"}");
			double recorded = this.registry.get("job.duration").tag("job.name", job).timer()
				.totalTime(TimeUnit.SECONDS);
			assertThat(worked).isCloseTo(recorded, within(1e-6));
		}
	}

	private void work(int runs) {
		for (int i = 0; i < runs; i++) {
			JobRun run = this.tracer.start((i % 2 == 0) ? "a" : "b", null);
			if (i % 20 < 2) {
				run.failed(new IllegalStateException());
			}
			run.close();
		}
	}

	// Returns the number of scrapes taken; fails at the first series that is lower than in this scraper's previous
	// scrape.
	private int scrapeWhile(AtomicBoolean working) {
		Map<String, Double> previous = new HashMap<>();
		int scrapes = 0;
		while (working.get()) {
			Map<String, Double> current = counters(this.registry.scrape());
			current.forEach((series, value) -> {
				Double before = previous.get(series);
				if (before != null) {
					assertThat(value).as(series).isGreaterThanOrEqualTo(before);
				}
			});
			previous.putAll(current);
			scrapes++;
		}
		return scrapes;
	}

	private static Map<String, Double> counters(String scrape) {
		Map<String, Double> values = new HashMap<>();
		Matcher matcher = COUNTER.matcher(scrape);
		while (matcher.find()) {
			values.put(matcher.group(1), Double.parseDouble(matcher.group(2)));
		}
		return values;
	}

}
