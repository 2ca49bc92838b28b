package io.github.jobmetrics.micrometer;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.jobmetrics.JobRun;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for the caps on distinct {@code job_name}, {@code queue} and {@code exception} values.
 */
@ExtendWith(OutputCaptureExtension.class)
class LabelLimitsTests {

	private final MockClock clock = new MockClock();

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry(SimpleConfig.DEFAULT, this.clock);

	private final MicrometerJobTracer tracer = new MicrometerJobTracer(this.registry,
			JobMeterSettings.defaults().withMaxJobNames(3).withMaxQueues(2).withMaxExceptionNames(2));

	@Test
	void jobNamesPastTheCapFoldIntoOtherAndCountTheirRuns() {
		for (int i = 0; i < 10; i++) {
			this.tracer.start("dyn-" + i, null).close();
		}
		assertThat(jobNames()).containsExactlyInAnyOrder("dyn-0", "dyn-1", "dyn-2", "other");
		assertThat(this.registry.get("job.executions").tags("job.name", "other", "result", "success")
			.functionCounter().count())
			.isEqualTo(7);
		assertThat(overflow("job_name")).isEqualTo(7);
		assertThat(overflow("queue")).isZero();
		assertThat(overflow("exception")).isZero();
	}

	@Test
	void foldedRunsShareOneInFlightAccounting() {
		this.tracer.register("a", null);
		this.tracer.register("b", null);
		this.tracer.register("c", null);
		JobRun first = this.tracer.start("dyn-1", null);
		this.clock.add(Duration.ofSeconds(2));
		JobRun second = this.tracer.start("dyn-2", null);
		assertThat(gauge("job.inflight")).isEqualTo(2);
		assertThat(gauge("job.oldest.inflight.age")).isEqualTo(2);
		this.clock.add(Duration.ofSeconds(3));
		assertThat(worked()).isEqualTo(5 + 3);
		first.close();
		this.clock.add(Duration.ofSeconds(1));
		second.close();
		assertThat(gauge("job.inflight")).isZero();
		assertThat(worked()).isEqualTo(5 + 4);
		assertThat(this.registry.get("job.duration").tag("job.name", "other").timer().count()).isEqualTo(2);
	}

	@Test
	void queuesPastTheCapFoldIntoOtherWhileNoneIsAlwaysKept() {
		for (int i = 0; i < 5; i++) {
			this.tracer.start("export", "q-" + i).close();
		}
		this.tracer.start("export", null).close();
		Set<String> queues = new HashSet<>();
		this.registry.get("job.worked").functionCounters().forEach((c) -> queues.add(c.getId().getTag("queue")));
		assertThat(queues).containsExactlyInAnyOrder("q-0", "q-1", "other", "none");
		assertThat(overflow("queue")).isEqualTo(3);
		// The cap is on the label's values, across jobs: another job's new queue folds too.
		this.tracer.start("import", "q-9").close();
		assertThat(overflow("queue")).isEqualTo(4);
		this.tracer.start("import", "q-1").close();
		assertThat(overflow("queue")).isEqualTo(4);
	}

	@Test
	void exceptionNamesPastTheCapFoldIntoOther() {
		fail(new IllegalStateException());
		fail(new IllegalArgumentException());
		fail(new UnsupportedOperationException());
		fail(new ArithmeticException());
		fail(new IllegalStateException());
		Set<String> exceptions = new HashSet<>();
		this.registry.get("job.exceptions").counters().forEach((c) -> exceptions.add(c.getId().getTag("exception")));
		assertThat(exceptions).containsExactlyInAnyOrder("IllegalStateException", "IllegalArgumentException",
				"other");
		assertThat(this.registry.get("job.exceptions").tag("exception", "other").counter().count()).isEqualTo(2);
		assertThat(this.registry.get("job.executions").tag("result", "failure").functionCounter().count()).isEqualTo(5);
		assertThat(overflow("exception")).isEqualTo(2);
	}

	@Test
	void registrationPastTheCapFoldsButCountsNoRun() {
		for (int i = 0; i < 5; i++) {
			this.tracer.register("registered-" + i, null);
		}
		assertThat(jobNames()).contains("other").hasSize(4);
		assertThat(overflow("job_name")).isZero();
	}

	@Test
	void warnsOncePerLabelNamingTheCapAndTheProperty(CapturedOutput output) {
		for (int i = 0; i < 10; i++) {
			this.tracer.start("dyn-" + i, "q-" + i).close();
		}
		assertThat(count(output.getOut(), "reached its cap of 3 distinct values of the label job_name "
				+ "(job-metrics.max-job-names")).isOne();
		assertThat(count(output.getOut(), "reached its cap of 2 distinct values of the label queue "
				+ "(job-metrics.max-queues")).isOne();
		assertThat(output.getOut()).doesNotContain("label exception");
	}

	@Test
	void aJobNamedOtherIsNotCountedAsFolded() {
		this.tracer.start("other", null).close();
		assertThat(overflow("job_name")).isZero();
		assertThat(jobNames()).containsExactly("other");
	}

	@Test
	void overflowSeriesExistAtZeroFromTheStart() {
		assertThat(this.registry.get("job.metrics.label.overflow").counters()).hasSize(3)
			.allSatisfy((counter) -> assertThat(counter.count()).isZero());
	}

	@Test
	void manyThreadsWithNewNamesNeverPassTheCap() throws Exception {
		MicrometerJobTracer tracer = new MicrometerJobTracer(this.registry,
				JobMeterSettings.defaults().withMaxJobNames(50));
		ExecutorService workers = Executors.newFixedThreadPool(4);
		try {
			Future<?>[] futures = new Future<?>[4];
			for (int t = 0; t < futures.length; t++) {
				int thread = t;
				futures[t] = workers.submit(() -> {
					for (int i = 0; i < 5_000; i++) {
						tracer.start("dyn-" + thread + "-" + i, null).close();
					}
				});
			}
			for (Future<?> future : futures) {
				future.get();
			}
		}
		finally {
			workers.shutdownNow();
		}
		assertThat(jobNames()).hasSize(51).contains("other");
		double others = this.registry.get("job.executions").tags("job.name", "other", "result", "success")
			.functionCounter()
			.count();
		assertThat(others).isEqualTo(20_000 - 50);
		assertThat(overflow("job_name")).isEqualTo(20_000 - 50);
	}

	@Test
	void scrapeOfOneHundredThousandNamesHoldsOnlyTheCapsSeries() {
		PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT,
				new PrometheusRegistry(), this.clock);
		MicrometerJobTracer tracer = new MicrometerJobTracer(prometheus);
		for (int i = 0; i < 100_000; i++) {
			tracer.start("dyn-" + i, null).close();
		}
		String scrape = prometheus.scrape();
		Set<String> names = new HashSet<>();
		Matcher matcher = Pattern.compile("^job_worked_seconds_total\\{job_name=\"([^\"]*)\"", Pattern.MULTILINE)
			.matcher(scrape);
		while (matcher.find()) {
			names.add(matcher.group(1));
		}
		assertThat(names).hasSize(JobMeterSettings.DEFAULT_MAX_JOB_NAMES + 1).contains("other");
		assertThat(scrape).contains("job_metrics_label_overflow_total{label=\"job_name\"} "
				+ (100_000 - JobMeterSettings.DEFAULT_MAX_JOB_NAMES) + ".0");
	}

	@Test
	void capBelowOneIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> JobMeterSettings.defaults().withMaxQueues(0))
			.withMessageContaining("at least 1");
	}

	private void fail(RuntimeException failure) {
		JobRun run = this.tracer.start("export", null);
		run.failed(failure);
		run.close();
	}

	private Set<String> jobNames() {
		Set<String> names = new HashSet<>();
		for (Meter meter : this.registry.get("job.worked").meters()) {
			names.add(meter.getId().getTag("job.name"));
		}
		return names;
	}

	private double overflow(String label) {
		return this.registry.get("job.metrics.label.overflow").tag("label", label).counter().count();
	}

	private double gauge(String name) {
		return this.registry.get(name).tag("job.name", "other").gauge().value();
	}

	private double worked() {
		return this.registry.get("job.worked").tag("job.name", "other").functionCounter().count();
	}

	private static int count(String text, String part) {
		int count = 0;
		for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
			count++;
		}
		return count;
	}

}
