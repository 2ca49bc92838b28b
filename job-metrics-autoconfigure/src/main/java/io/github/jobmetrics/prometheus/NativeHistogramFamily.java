package io.github.jobmetrics.prometheus;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.registry.MetricType;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.Unit;
import org.jspecify.annotations.Nullable;

/**
 * One Prometheus histogram metric, classic and native, whose series may have different classic buckets: one
 * client_java {@link Histogram} per set of buckets, collected as one metric.
 */
final class NativeHistogramFamily implements Collector {

	private final String name;

	private final String help;

	private final List<String> labelNames;

	private final boolean seconds;

	private final Map<List<Double>, Histogram> byBuckets = new ConcurrentHashMap<>();

	NativeHistogramFamily(String name, @Nullable String help, List<String> labelNames, boolean seconds) {
		this.name = name;
		this.help = (help != null) ? help : name;
		this.labelNames = List.copyOf(labelNames);
		this.seconds = seconds;
	}

	DistributionDataPoint dataPoint(List<String> labelNames, List<String> labelValues, double[] bounds) {
		if (!labelNames.equals(this.labelNames)) {
			// Prometheus needs one set of label names per metric; job-metrics builds its meters so.
			throw new IllegalArgumentException("Histogram " + this.name + " has labels " + this.labelNames
					+ "; a meter with labels " + labelNames + " cannot join it");
		}
		List<Double> key = Arrays.stream(bounds).boxed().toList();
		Histogram histogram = this.byBuckets.computeIfAbsent(key, (ignored) -> build(bounds));
		return histogram.labelValues(labelValues.toArray(String[]::new));
	}

	private Histogram build(double[] bounds) {
		Histogram.Builder builder = Histogram.builder()
			.name(this.name)
			.help(this.help)
			.labelNames(this.labelNames.toArray(String[]::new))
			// Exemplars would need client_java's tracer initializer, which Micrometer leaves out.
			.withoutExemplars();
		if (this.seconds) {
			builder.unit(Unit.SECONDS);
		}
		if (bounds.length == 0) {
			builder.nativeOnly();
		}
		else {
			builder.classicUpperBounds(bounds);
		}
		return builder.build();
	}

	@Override
	public HistogramSnapshot collect() {
		List<HistogramSnapshot.HistogramDataPointSnapshot> points = new ArrayList<>();
		for (Histogram histogram : this.byBuckets.values()) {
			points.addAll(histogram.collect().getDataPoints());
		}
		return new HistogramSnapshot(new MetricMetadata(this.name, this.help, this.seconds ? Unit.SECONDS : null),
				points);
	}

	@Override
	public String getPrometheusName() {
		return this.name;
	}

	@Override
	public MetricType getMetricType() {
		return MetricType.HISTOGRAM;
	}

	@Override
	public Set<String> getLabelNames() {
		return new LinkedHashSet<>(this.labelNames);
	}

}
