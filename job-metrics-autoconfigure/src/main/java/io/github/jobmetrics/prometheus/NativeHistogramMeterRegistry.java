package io.github.jobmetrics.prometheus;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

import io.github.jobmetrics.internal.MeteringFailures;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.NamingConvention;
import io.micrometer.core.instrument.cumulative.CumulativeDistributionSummary;
import io.micrometer.core.instrument.cumulative.CumulativeTimer;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.distribution.pause.PauseDetector;
import io.micrometer.core.instrument.noop.NoopCounter;
import io.micrometer.core.instrument.noop.NoopFunctionCounter;
import io.micrometer.core.instrument.noop.NoopFunctionTimer;
import io.micrometer.core.instrument.noop.NoopGauge;
import io.micrometer.core.instrument.noop.NoopLongTaskTimer;
import io.micrometer.core.instrument.noop.NoopMeter;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.jspecify.annotations.Nullable;

/**
 * A meter registry that turns the timers and distribution summaries of the given names into Prometheus native
 * histograms, with their classic buckets kept beside them (client_java's classic+native histogram), registered in a
 * {@link PrometheusRegistry}: with Spring Boot, the one that {@code /actuator/prometheus} serves. Every other meter
 * is denied here, so this registry holds nothing else.
 * <p>
 * It is one registry among the application's (Spring Boot adds it to its composite), so that it receives each
 * recording of those meters however the code records them. The Micrometer meter of the same name must be kept off
 * the {@code PrometheusMeterRegistry} that writes into the same {@link PrometheusRegistry} (see
 * {@link #keepOffPrometheusMeterRegistry(Set)}); other registries (OTLP, JMX, ...) keep it.
 * <p>
 * Names, label names and values are those the {@code PrometheusMeterRegistry} would write: its naming convention
 * is applied. The classic buckets are the meter's service-level objectives after every filter (so Spring Boot's
 * {@code management.metrics.distribution.slo} applies); meters of one name with different buckets (a job with its
 * own) are exposed as one metric whose series carry their own buckets. The native histogram has client_java's
 * defaults (at most 160 buckets, schema lowered as the observed range widens). Reads through Micrometer (count,
 * total, max) stay those of an ordinary cumulative meter.
 *
 * @since 0.3.0
 */
public class NativeHistogramMeterRegistry extends MeterRegistry {

	/**
	 * The histograms of job-metrics that become native histograms: {@code job.duration} and, where it exists,
	 * {@code job.queue.wait}. A histogram added to job-metrics is added here by name.
	 */
	public static final Set<String> JOB_HISTOGRAMS = Set.of("job.duration", "job.queue.wait");

	private final PrometheusRegistry prometheusRegistry;

	private final Supplier<NamingConvention> namingConvention;

	private final Map<String, NativeHistogramFamily> families = new ConcurrentHashMap<>();

	/**
	 * Creates a registry for the given meter names.
	 * @param meterNames the Micrometer names of the timers and distribution summaries to expose
	 * @param prometheusRegistry where to register the histograms
	 * @param namingConvention the naming convention of the {@code PrometheusMeterRegistry} they replace
	 * @param clock the clock of Micrometer's reads
	 */
	public NativeHistogramMeterRegistry(Set<String> meterNames, PrometheusRegistry prometheusRegistry,
			Supplier<NamingConvention> namingConvention, Clock clock) {
		super(clock);
		this.prometheusRegistry = prometheusRegistry;
		this.namingConvention = namingConvention;
		config().meterFilter(MeterFilter.denyUnless((id) -> meterNames.contains(id.getName())));
	}

	/**
	 * Returns the filter that keeps the Micrometer meters of the given names off a {@code PrometheusMeterRegistry},
	 * so that the native histograms do not collide with them. Apply it to that registry only, before it registers
	 * any meter.
	 * @param meterNames the Micrometer names of the meters exposed as native histograms
	 * @return the filter
	 */
	public static MeterFilter keepOffPrometheusMeterRegistry(Set<String> meterNames) {
		return MeterFilter.deny((id) -> meterNames.contains(id.getName()));
	}

	@Override
	protected Timer newTimer(Meter.Id id, DistributionStatisticConfig config, PauseDetector pauseDetector) {
		double[] bounds = seconds(config.getServiceLevelObjectiveBoundaries());
		DistributionDataPoint histogram = dataPoint(id, bounds);
		return new NativeHistogramTimer(id, clock, withoutBuckets(config), pauseDetector, histogram);
	}

	@Override
	protected DistributionSummary newDistributionSummary(Meter.Id id, DistributionStatisticConfig config,
			double scale) {
		double[] bounds = config.getServiceLevelObjectiveBoundaries();
		DistributionDataPoint histogram = dataPoint(id, (bounds != null) ? bounds : new double[0]);
		return new NativeHistogramSummary(id, clock, withoutBuckets(config), scale, histogram);
	}

	private DistributionDataPoint dataPoint(Meter.Id id, double[] bounds) {
		NamingConvention convention = this.namingConvention.get();
		String name = convention.name(id.getName(), id.getType(), id.getBaseUnit());
		List<String> labelNames = new ArrayList<>();
		List<String> labelValues = new ArrayList<>();
		for (Tag tag : id.getTagsAsIterable()) {
			labelNames.add(convention.tagKey(tag.getKey()));
			labelValues.add(convention.tagValue(tag.getValue()));
		}
		NativeHistogramFamily family = this.families.computeIfAbsent(name, (key) -> {
			NativeHistogramFamily created = new NativeHistogramFamily(key, id.getDescription(), labelNames,
					"seconds".equals(id.getBaseUnit()));
			this.prometheusRegistry.register(created);
			return created;
		});
		return family.dataPoint(labelNames, labelValues, bounds);
	}

	// Micrometer's own buckets would only duplicate the client_java histogram's: they are read by nothing here.
	private static DistributionStatisticConfig withoutBuckets(DistributionStatisticConfig config) {
		return DistributionStatisticConfig.builder()
			.expiry(config.getExpiry())
			.bufferLength(config.getBufferLength())
			.build()
			.merge(DistributionStatisticConfig.DEFAULT);
	}

	private static double[] seconds(double[] nanos) {
		return (nanos != null) ? Arrays.stream(nanos).map((value) -> value / 1e9).toArray() : new double[0];
	}

	@Override
	protected TimeUnit getBaseTimeUnit() {
		return TimeUnit.SECONDS;
	}

	@Override
	protected DistributionStatisticConfig defaultHistogramConfig() {
		return DistributionStatisticConfig.DEFAULT;
	}

	// Every other meter is denied by the filter of the constructor; these only satisfy the registry's contract.

	@Override
	protected <T> Gauge newGauge(Meter.Id id, @Nullable T obj, ToDoubleFunction<T> valueFunction) {
		return new NoopGauge(id);
	}

	@Override
	protected Counter newCounter(Meter.Id id) {
		return new NoopCounter(id);
	}

	@Override
	protected LongTaskTimer newLongTaskTimer(Meter.Id id, DistributionStatisticConfig config) {
		return new NoopLongTaskTimer(id);
	}

	@Override
	protected Meter newMeter(Meter.Id id, Meter.Type type, Iterable<Measurement> measurements) {
		return new NoopMeter(id);
	}

	@Override
	protected <T> FunctionTimer newFunctionTimer(Meter.Id id, T obj, ToLongFunction<T> countFunction,
			ToDoubleFunction<T> totalTimeFunction, TimeUnit totalTimeFunctionUnit) {
		return new NoopFunctionTimer(id);
	}

	@Override
	protected <T> FunctionCounter newFunctionCounter(Meter.Id id, T obj, ToDoubleFunction<T> countFunction) {
		return new NoopFunctionCounter(id);
	}

	// A failure of the Prometheus client must not cost the run its other meters.
	private static void observe(DistributionDataPoint histogram, double value) {
		try {
			histogram.observe(value);
		}
		catch (RuntimeException | LinkageError ex) {
			MeteringFailures.log("record a native histogram", ex);
		}
	}

	private static final class NativeHistogramTimer extends CumulativeTimer {

		private final DistributionDataPoint histogram;

		NativeHistogramTimer(Meter.Id id, Clock clock, DistributionStatisticConfig config, PauseDetector pauseDetector,
				DistributionDataPoint histogram) {
			super(id, clock, config, pauseDetector, TimeUnit.SECONDS, false);
			this.histogram = histogram;
		}

		@Override
		protected void recordNonNegative(long amount, TimeUnit unit) {
			super.recordNonNegative(amount, unit);
			observe(this.histogram, unit.toNanos(amount) / 1e9);
		}

	}

	private static final class NativeHistogramSummary extends CumulativeDistributionSummary {

		private final DistributionDataPoint histogram;

		NativeHistogramSummary(Meter.Id id, Clock clock, DistributionStatisticConfig config, double scale,
				DistributionDataPoint histogram) {
			super(id, clock, config, scale, false);
			this.histogram = histogram;
		}

		@Override
		protected void recordNonNegative(double amount) {
			super.recordNonNegative(amount);
			observe(this.histogram, amount);
		}

	}

}
