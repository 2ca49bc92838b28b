package io.github.jobmetrics.prometheus;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.github.jobmetrics.internal.MeteringFailures;
import io.github.jobmetrics.micrometer.JobDurationHistogram;
import io.github.jobmetrics.micrometer.JobMeterSettings;
import io.github.jobmetrics.micrometer.MicrometerJobTracer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import io.micrometer.core.instrument.config.NamingConvention;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import org.jspecify.annotations.Nullable;

/**
 * Writes {@code job_duration_seconds} into a Prometheus registry from the histograms that the tracer counts itself
 * ({@link JobMeterSettings#withStripedDurationHistograms(boolean)}), in place of the {@code job.duration} timer of
 * the {@code PrometheusMeterRegistry} that serves the same registry: a run then records its duration under the lock
 * its end takes anyway, rather than in one bucket array that every thread of the job updates.
 * <p>
 * The output is the timer's: {@code job_duration_seconds} with the same buckets, {@code _count} and {@code _sum}
 * (a summary for a job without buckets), and {@code job_duration_seconds_max}, here the longest duration of the runs
 * that ended in the last one to two minutes. Name and labels are those the {@code PrometheusMeterRegistry} gives
 * the timer after its filters ({@code management.metrics.tags} included): {@link #keepTimerOff()} is the filter
 * that keeps the timer off that registry, and it notes the name and tags it denies; the timer of a tracer that does
 * not count the histograms is let through. No exemplars: where tracing is
 * on, job-metrics keeps Micrometer's timer, which has them.
 *
 * @since 0.3.0
 */
public final class StripedDurationHistograms implements MultiCollector {

	/**
	 * The Micrometer name of the timer these histograms replace on the Prometheus registry.
	 */
	public static final String TIMER = "job.duration";

	private static final String JOB_NAME = "job.name";

	private static final String QUEUE = "queue";

	private static final String SECONDS = "seconds";

	private final Supplier<@Nullable MicrometerJobTracer> tracer;

	private final Supplier<NamingConvention> namingConvention;

	private final String help;

	// By job name, then queue (two lookups, no key built per scrape): the id the Prometheus registry would have given
	// the timer after its filters, and what a scrape writes for it, worked out once.
	private final Map<String, Map<String, Denied>> denied = new ConcurrentHashMap<>();

	/**
	 * Creates the collector.
	 * @param tracer the tracer whose histograms to write, looked up when a job's timer is built and at each scrape;
	 * while it is {@code null} or does not count the histograms, the timer is let through and nothing is written
	 * @param namingConvention the naming convention of the {@code PrometheusMeterRegistry} the timer is kept off
	 * @param descriptions whether that registry writes descriptions as help ({@code PrometheusConfig.descriptions()})
	 */
	public StripedDurationHistograms(Supplier<@Nullable MicrometerJobTracer> tracer,
			Supplier<NamingConvention> namingConvention, boolean descriptions) {
		this.tracer = tracer;
		this.namingConvention = namingConvention;
		this.help = descriptions ? "Duration of finished runs, whatever their result" : "";
	}

	/**
	 * Returns the filter that keeps the {@code job.duration} timer off the {@code PrometheusMeterRegistry}, and
	 * notes the name and tags that registry gives it. Apply it to that registry only, before any job's meters are
	 * built; other registries (OTLP, JMX, ...) keep the timer.
	 * @return the filter
	 */
	public MeterFilter keepTimerOff() {
		return new MeterFilter() {

			@Override
			public MeterFilterReply accept(Meter.Id id) {
				if (!TIMER.equals(id.getName())) {
					return MeterFilterReply.NEUTRAL;
				}
				MicrometerJobTracer tracer = StripedDurationHistograms.this.tracer.get();
				if (tracer == null || !tracer.countsDurationHistograms()) {
					return MeterFilterReply.NEUTRAL;
				}
				String jobName = id.getTag(JOB_NAME);
				String queue = id.getTag(QUEUE);
				if (jobName != null && queue != null) {
					StripedDurationHistograms.this.denied.computeIfAbsent(jobName, (key) -> new ConcurrentHashMap<>())
						.put(queue, new Denied(id));
				}
				return MeterFilterReply.DENY;
			}

		};
	}

	@Override
	public MetricSnapshots collect() {
		try {
			MicrometerJobTracer tracer = this.tracer.get();
			return (tracer != null) ? snapshots(tracer.durationHistograms()) : new MetricSnapshots();
		}
		catch (RuntimeException | LinkageError ex) {
			// The scrape serves every other metric of the application: it must not fail for these.
			MeteringFailures.log("write job_duration_seconds", ex);
			return new MetricSnapshots();
		}
	}

	private MetricSnapshots snapshots(List<JobDurationHistogram> histograms) {
		NamingConvention convention = this.namingConvention.get();
		Map<String, HistogramSnapshot.Builder> classic = new LinkedHashMap<>();
		Map<String, SummarySnapshot.Builder> summaries = new LinkedHashMap<>();
		Map<String, GaugeSnapshot.Builder> maxima = new LinkedHashMap<>();
		for (JobDurationHistogram histogram : histograms) {
			Series series = series(histogram, convention);
			String name = series.name();
			Labels labels = series.labels();
			if (histogram.upperBounds().length == 0) {
				summaries.computeIfAbsent(name, (key) -> SummarySnapshot.builder().name(key).help(this.help))
					.dataPoint(SummarySnapshot.SummaryDataPointSnapshot.builder()
						.labels(labels)
						.count(histogram.count())
						.sum(histogram.sumSeconds())
						.build());
			}
			else {
				classic.computeIfAbsent(name, (key) -> HistogramSnapshot.builder().name(key).help(this.help))
					.dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder()
						.labels(labels)
						.classicHistogramBuckets(ClassicHistogramBuckets.of(series.upperBounds(histogram), histogram.counts()))
						.sum(histogram.sumSeconds())
						.build());
			}
			maxima.computeIfAbsent(name + "_max", (key) -> GaugeSnapshot.builder().name(key).help(this.help))
				.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
					.labels(labels)
					.value(histogram.maxSeconds())
					.build());
		}
		List<MetricSnapshot> snapshots = new ArrayList<>();
		classic.values().forEach((builder) -> snapshots.add(builder.build()));
		summaries.values().forEach((builder) -> snapshots.add(builder.build()));
		maxima.values().forEach((builder) -> snapshots.add(builder.build()));
		return new MetricSnapshots(snapshots);
	}

	// The name and labels of a job's series (and its bounds with +Inf), worked out on the first scrape after its timer
	// was denied, and again only if the registry's naming convention is replaced.
	private Series series(JobDurationHistogram histogram, NamingConvention convention) {
		Map<String, Denied> byQueue = this.denied.get(histogram.jobName());
		Denied denied = (byQueue != null) ? byQueue.get(histogram.queue()) : null;
		if (denied == null) {
			return Series.of(TIMER, histogram.tags(), convention, histogram.upperBounds());
		}
		Series series = denied.series;
		if (series == null || series.convention() != convention) {
			series = Series.of(denied.id.getName(), denied.id.getTagsAsIterable(), convention,
					histogram.upperBounds());
			denied.series = series;
		}
		return series;
	}

	// A denied timer's id; the series of a scrape that read it.
	private static final class Denied {

		private final Meter.Id id;

		private volatile @Nullable Series series;

		Denied(Meter.Id id) {
			this.id = id;
		}

	}

	private record Series(NamingConvention convention, String name, Labels labels, double[] bounds,
			double[] upperBounds) {

		static Series of(String timerName, Iterable<Tag> tags, NamingConvention convention, double[] bounds) {
			List<String> names = new ArrayList<>();
			List<String> values = new ArrayList<>();
			for (Tag tag : tags) {
				names.add(convention.tagKey(tag.getKey()));
				values.add(convention.tagValue(tag.getValue()));
			}
			return new Series(convention, convention.name(timerName, Meter.Type.TIMER, SECONDS),
					Labels.of(names, values), bounds, withInfinity(bounds));
		}

		// The job's bounds with +Inf, kept while they are the ones a read brings (a job's bounds do not change).
		double[] upperBounds(JobDurationHistogram histogram) {
			double[] read = histogram.upperBounds();
			return Arrays.equals(read, this.bounds) ? this.upperBounds : withInfinity(read);
		}

		private static double[] withInfinity(double[] bounds) {
			double[] upperBounds = Arrays.copyOf(bounds, bounds.length + 1);
			upperBounds[bounds.length] = Double.POSITIVE_INFINITY;
			return upperBounds;
		}

	}

}
