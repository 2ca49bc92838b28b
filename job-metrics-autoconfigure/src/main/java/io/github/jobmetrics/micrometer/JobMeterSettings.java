package io.github.jobmetrics.micrometer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import org.jspecify.annotations.Nullable;

/**
 * How {@link MicrometerJobTracer} builds the meters of each job: histogram buckets (by default and per
 * job), extra static tags per job, which exceptions count as {@code result="retry"}, and the caps on distinct
 * job names, queues and exception names. Immutable; each
 * {@code with...} method returns a changed copy.
 *
 * @since 0.3.0
 */
public final class JobMeterSettings {

	/**
	 * The default buckets of {@code job_duration_seconds}: 5 ms to 6 h, two to three a decade, so that both
	 * quick jobs and batch runs of hours get a useful quantile. Micrometer's default percentile histogram
	 * stops at 30 s, far below the length of many jobs.
	 */
	public static final List<Duration> DEFAULT_BUCKETS = List.of(Duration.ofMillis(5), Duration.ofMillis(10),
			Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
			Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
			Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(2),
			Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofMinutes(30), Duration.ofHours(1),
			Duration.ofHours(2), Duration.ofHours(6));

	/**
	 * The default buckets of {@code job_queue_wait_seconds}: 10 ms to 1 h. A healthy queue is drained in
	 * milliseconds to seconds; a wait of an hour is already an incident, so the buckets stop there.
	 * @since 0.3.0
	 */
	public static final List<Duration> DEFAULT_QUEUE_WAIT_BUCKETS = List.of(Duration.ofMillis(10),
			Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
			Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
			Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(2),
			Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofMinutes(30), Duration.ofHours(1));

	/**
	 * Tag keys that job-metrics sets itself and that extra tags therefore cannot use.
	 */
	public static final Set<String> RESERVED_TAG_KEYS = Set.of(JobMeters.JOB_NAME, JobMeters.QUEUE,
			JobMeters.RESULT, JobMeters.EXCEPTION);

	// Labels that Prometheus gives a meaning of its own, with why an extra tag cannot become one.
	private static final Map<String, String> PROMETHEUS_LABELS = Map.of("le",
			"Prometheus reserves for histogram buckets (job_duration_seconds would fail every scrape)", "quantile",
			"Prometheus reserves for summary quantiles", "job",
			"Prometheus sets on every scraped series to the scrape job (yours would be renamed exported_job)",
			"instance",
			"Prometheus sets on every scraped series to the scraped target (yours would be renamed exported_instance)");

	/**
	 * The default cap on distinct {@code job_name} values.
	 * @since 0.3.0
	 */
	public static final int DEFAULT_MAX_JOB_NAMES = 200;

	/**
	 * The default cap on distinct {@code queue} values.
	 * @since 0.3.0
	 */
	public static final int DEFAULT_MAX_QUEUES = 200;

	/**
	 * The default cap on distinct {@code exception} values.
	 * @since 0.3.0
	 */
	public static final int DEFAULT_MAX_EXCEPTION_NAMES = 50;

	private static final JobMeterSettings DEFAULTS = new JobMeterSettings(DEFAULT_BUCKETS, Map.of(), Map.of(),
			List.of(), QueueWaitBuckets.DEFAULTS,
			new Caps(DEFAULT_MAX_JOB_NAMES, DEFAULT_MAX_QUEUES, DEFAULT_MAX_EXCEPTION_NAMES), false);

	private final List<Duration> defaultBuckets;

	private final Map<String, List<Duration>> jobBuckets;

	private final QueueWaitBuckets queueWaitBuckets;

	private final Map<String, Map<String, String>> jobTags;

	private final List<Class<? extends Throwable>> retryExceptions;

	private final Set<String> extraTagKeys;

	private final Caps caps;

	private final boolean stripedDurationHistograms;

	private JobMeterSettings(List<Duration> defaultBuckets, Map<String, List<Duration>> jobBuckets,
			Map<String, Map<String, String>> jobTags, List<Class<? extends Throwable>> retryExceptions,
			QueueWaitBuckets queueWaitBuckets, Caps caps, boolean stripedDurationHistograms) {
		this.stripedDurationHistograms = stripedDurationHistograms;
		this.defaultBuckets = defaultBuckets;
		this.jobBuckets = jobBuckets;
		this.queueWaitBuckets = queueWaitBuckets;
		this.jobTags = jobTags;
		this.retryExceptions = retryExceptions;
		this.caps = caps;
		Set<String> keys = new TreeSet<>();
		jobTags.values().forEach((tags) -> keys.addAll(tags.keySet()));
		this.extraTagKeys = Collections.unmodifiableSet(keys);
	}

	/**
	 * Returns the defaults: {@link #DEFAULT_BUCKETS}, no extra tags, no retryable exceptions.
	 * @return the default settings
	 */
	public static JobMeterSettings defaults() {
		return DEFAULTS;
	}

	/**
	 * Returns a copy whose jobs use the given histogram buckets unless configured otherwise per job.
	 * @param buckets positive durations in strictly ascending order
	 * @return the changed settings
	 * @throws IllegalArgumentException if the buckets are empty, not positive or not ascending
	 */
	public JobMeterSettings withDefaultBuckets(List<Duration> buckets) {
		return new JobMeterSettings(checkedBuckets(buckets), this.jobBuckets, this.jobTags, this.retryExceptions,
				this.queueWaitBuckets, this.caps, this.stripedDurationHistograms);
	}

	/**
	 * Returns a copy in which the named job uses the given histogram buckets.
	 * @param jobName the job name
	 * @param buckets positive durations in strictly ascending order
	 * @return the changed settings
	 * @throws IllegalArgumentException if the buckets are empty, not positive or not ascending
	 */
	public JobMeterSettings withJobBuckets(String jobName, List<Duration> buckets) {
		Map<String, List<Duration>> copy = new LinkedHashMap<>(this.jobBuckets);
		copy.put(jobName, checkedBuckets(buckets));
		return new JobMeterSettings(this.defaultBuckets, Map.copyOf(copy), this.jobTags, this.retryExceptions,
				this.queueWaitBuckets, this.caps, this.stripedDurationHistograms);
	}

	/**
	 * Returns a copy in which the meters of the named job carry the given static tags. Every meter of a name
	 * must have the same tag keys, so every other job reports these keys too, with the value {@code none}.
	 * @param jobName the job name
	 * @param tags tag keys and values, each valid as {@link #tagProblem(String, String, Collection)} checks
	 * @return the changed settings
	 * @throws IllegalArgumentException if a key or value is empty, or a key would become a Prometheus label
	 * that job-metrics or Prometheus uses or that another extra tag becomes
	 */
	public JobMeterSettings withJobTags(String jobName, Map<String, String> tags) {
		Set<String> keysInUse = new TreeSet<>(tags.keySet());
		this.jobTags.forEach((job, own) -> {
			if (!job.equals(jobName)) {
				keysInUse.addAll(own.keySet());
			}
		});
		tags.forEach((key, value) -> {
			String problem = tagProblem(key, value, keysInUse);
			if (problem != null) {
				throw new IllegalArgumentException("Extra tag '" + key + "' of job '" + jobName + "' " + problem);
			}
		});
		Map<String, Map<String, String>> copy = new LinkedHashMap<>(this.jobTags);
		copy.put(jobName, Map.copyOf(tags));
		return new JobMeterSettings(this.defaultBuckets, this.jobBuckets, Map.copyOf(copy), this.retryExceptions,
				this.queueWaitBuckets, this.caps, this.stripedDurationHistograms);
	}

	/**
	 * Returns a copy in which a run that failed with one of the given exceptions, or a subclass, counts as
	 * {@code result="retry"} instead of {@code result="failure"}.
	 * @param exceptions the retryable exception types
	 * @return the changed settings
	 */
	public JobMeterSettings withRetryExceptions(List<Class<? extends Throwable>> exceptions) {
		return new JobMeterSettings(this.defaultBuckets, this.jobBuckets, this.jobTags, List.copyOf(exceptions),
				this.queueWaitBuckets, this.caps, this.stripedDurationHistograms);
	}

	/**
	 * Returns a copy that reports at most the given number of distinct job names; the runs of any further name
	 * are reported as {@code job_name="other"} (default {@value #DEFAULT_MAX_JOB_NAMES}).
	 * @param maxJobNames the cap, at least 1
	 * @return the changed settings
	 * @throws IllegalArgumentException if the cap is less than 1
	 * @since 0.3.0
	 */
	public JobMeterSettings withMaxJobNames(int maxJobNames) {
		return withCaps(new Caps(checkedCap(maxJobNames), this.caps.queues, this.caps.exceptionNames));
	}

	/**
	 * Returns a copy that reports at most the given number of distinct queues besides {@code none}; the runs
	 * from any further queue are reported as {@code queue="other"} (default {@value #DEFAULT_MAX_QUEUES}).
	 * @param maxQueues the cap, at least 1
	 * @return the changed settings
	 * @throws IllegalArgumentException if the cap is less than 1
	 * @since 0.3.0
	 */
	public JobMeterSettings withMaxQueues(int maxQueues) {
		return withCaps(new Caps(this.caps.jobNames, checkedCap(maxQueues), this.caps.exceptionNames));
	}

	/**
	 * Returns a copy that reports at most the given number of distinct exception names; runs failing with any
	 * further exception type are reported as {@code exception="other"} (default
	 * {@value #DEFAULT_MAX_EXCEPTION_NAMES}).
	 * @param maxExceptionNames the cap, at least 1
	 * @return the changed settings
	 * @throws IllegalArgumentException if the cap is less than 1
	 * @since 0.3.0
	 */
	public JobMeterSettings withMaxExceptionNames(int maxExceptionNames) {
		return withCaps(new Caps(this.caps.jobNames, this.caps.queues, checkedCap(maxExceptionNames)));
	}

	private JobMeterSettings withCaps(Caps caps) {
		return new JobMeterSettings(this.defaultBuckets, this.jobBuckets, this.jobTags, this.retryExceptions,
				this.queueWaitBuckets, caps, this.stripedDurationHistograms);
	}

	private static int checkedCap(int cap) {
		if (cap < 1) {
			throw new IllegalArgumentException("A cap on distinct label values must be at least 1; got " + cap);
		}
		return cap;
	}

	int maxJobNames() {
		return this.caps.jobNames;
	}

	int maxQueues() {
		return this.caps.queues;
	}

	int maxExceptionNames() {
		return this.caps.exceptionNames;
	}

	private record Caps(int jobNames, int queues, int exceptionNames) {
	}

	/**
	 * Describes what is wrong with the given histogram buckets.
	 * @param buckets the buckets to check
	 * @return the problem, or {@code null} if the buckets are valid
	 */
	public static @Nullable String bucketProblem(List<Duration> buckets) {
		if (buckets.isEmpty()) {
			return "is empty; give at least one bucket";
		}
		for (int i = 0; i < buckets.size(); i++) {
			Duration bucket = buckets.get(i);
			if (bucket == null || bucket.isNegative() || bucket.isZero()) {
				return "has a bucket that is not positive at index " + i + " (" + format(bucket)
						+ "); every bucket must be longer than zero";
			}
			if (i > 0 && bucket.compareTo(buckets.get(i - 1)) <= 0) {
				return "is not in strictly ascending order at index " + i + " (" + format(buckets.get(i - 1))
						+ " then " + format(bucket) + "); list the buckets from shortest to longest, each once";
			}
		}
		return null;
	}

	/**
	 * Describes what is wrong with an extra tag on its own; see
	 * {@link #tagProblem(String, String, Collection)}.
	 * @param key the tag key
	 * @param value the tag value
	 * @return the problem, or {@code null} if the tag is valid
	 */
	public static @Nullable String tagProblem(String key, @Nullable String value) {
		return tagProblem(key, value, Set.of());
	}

	/**
	 * Describes what is wrong with an extra tag. The key is checked as the Prometheus label it becomes
	 * (Micrometer's {@code PrometheusNamingConvention}: every character other than an ASCII letter, a digit
	 * or {@code _} and {@code :} becomes {@code _}, as does a leading digit, and leading underscores are
	 * reduced to one), so that no accepted tag can break a scrape: it must not start with {@code __}, must
	 * not become a label that job-metrics sets ({@code job_name}, {@code queue}, {@code result},
	 * {@code exception}), that Prometheus reserves ({@code le}, {@code quantile}) or sets on every scraped
	 * series ({@code job}, {@code instance}), a label with a {@code :} (unreadable for Prometheus before
	 * 3.0, and turned into {@code _} by Micrometer 1.15), nor the same label as another extra tag key. Values are escaped by the exposition formats and
	 * only need to be non-empty.
	 * @param key the tag key
	 * @param value the tag value
	 * @param keysInUse the other extra tag keys of this job and of the other jobs; the key itself, if
	 * contained, is ignored
	 * @return the problem, or {@code null} if the tag is valid
	 */
	public static @Nullable String tagProblem(String key, @Nullable String value, Collection<String> keysInUse) {
		if (key.isBlank()) {
			return "has an empty key";
		}
		if (key.startsWith("__")) {
			return "starts with '__', which Prometheus reserves for its own labels (the registry would make it '"
					+ prometheusLabel(key) + "')";
		}
		// Named by the ':' rather than by its label, which depends on the Micrometer line: 1.16 and later keep it,
		// 1.15 (Spring Boot 3.5) turns it into '_'.
		if (key.indexOf(':') >= 0) {
			return "has a ':', which Prometheus servers before 3.0 cannot read in a label name (and Micrometer before "
					+ "1.16 turns into '_')";
		}
		String label = prometheusLabel(key);
		String becomes = "becomes the Prometheus label '" + label + "', ";
		for (String reserved : RESERVED_TAG_KEYS) {
			if (label.equals(prometheusLabel(reserved))) {
				return becomes + "which job-metrics sets itself";
			}
		}
		String reason = PROMETHEUS_LABELS.get(label);
		if (reason != null) {
			return becomes + "which " + reason;
		}
		for (String other : keysInUse) {
			if (!other.equals(key) && label.equals(prometheusLabel(other))) {
				return becomes + "as does the extra tag '" + other
						+ "'; Prometheus rejects a series with the same label twice";
			}
		}
		if (value == null || value.isBlank()) {
			return "has an empty value; give it a value or remove it";
		}
		return null;
	}

	// The rule of Micrometer's PrometheusNamingConvention.tagKey (PrometheusNaming.prometheusName, then
	// sanitizeLabelName), copied so that the check needs no Prometheus on the classpath; a test compares
	// the two on many keys.
	private static String prometheusLabel(String key) {
		StringBuilder label = new StringBuilder(key.length());
		key.codePoints().forEach((c) -> {
			boolean legacy = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':'
					|| (c >= '0' && c <= '9' && !label.isEmpty());
			label.append(legacy ? (char) c : '_');
		});
		while (label.length() > 1 && (label.charAt(0) == '_' || label.charAt(0) == '.')
				&& (label.charAt(1) == '_' || label.charAt(1) == '.')) {
			label.deleteCharAt(0);
		}
		return label.toString();
	}

	private static String format(@Nullable Duration duration) {
		if (duration == null) {
			return "null";
		}
		long nanos = duration.toNanos();
		if (nanos % 1_000_000_000L == 0) {
			return (nanos / 1_000_000_000L) + "s";
		}
		return (nanos % 1_000_000 == 0) ? (nanos / 1_000_000) + "ms" : nanos + "ns";
	}

	private static List<Duration> checkedBuckets(List<Duration> buckets) {
		String problem = bucketProblem(buckets);
		if (problem != null) {
			throw new IllegalArgumentException("Histogram bucket list " + problem);
		}
		return List.copyOf(buckets);
	}

	/**
	 * Returns a copy whose jobs use the given buckets for {@code job_queue_wait_seconds} unless configured
	 * otherwise per job.
	 * @param buckets positive durations in strictly ascending order
	 * @return the changed settings
	 * @throws IllegalArgumentException if the buckets are empty, not positive or not ascending
	 * @since 0.3.0
	 */
	public JobMeterSettings withDefaultQueueWaitBuckets(List<Duration> buckets) {
		return new JobMeterSettings(this.defaultBuckets, this.jobBuckets, this.jobTags, this.retryExceptions,
				new QueueWaitBuckets(checkedBuckets(buckets), this.queueWaitBuckets.byJob()), this.caps,
				this.stripedDurationHistograms);
	}

	/**
	 * Returns a copy in which the named job uses the given buckets for {@code job_queue_wait_seconds}.
	 * @param jobName the job name
	 * @param buckets positive durations in strictly ascending order
	 * @return the changed settings
	 * @throws IllegalArgumentException if the buckets are empty, not positive or not ascending
	 * @since 0.3.0
	 */
	public JobMeterSettings withJobQueueWaitBuckets(String jobName, List<Duration> buckets) {
		Map<String, List<Duration>> copy = new LinkedHashMap<>(this.queueWaitBuckets.byJob());
		copy.put(jobName, checkedBuckets(buckets));
		return new JobMeterSettings(this.defaultBuckets, this.jobBuckets, this.jobTags, this.retryExceptions,
				new QueueWaitBuckets(this.queueWaitBuckets.defaults(), Map.copyOf(copy)), this.caps,
				this.stripedDurationHistograms);
	}

	List<Duration> queueWaitBucketsFor(String jobName) {
		return this.queueWaitBuckets.byJob().getOrDefault(jobName, this.queueWaitBuckets.defaults());
	}

	/**
	 * Returns a copy whose tracer counts each job's duration histogram itself, in the per-thread stripes where it
	 * already counts runs by result, for a reader of {@link MicrometerJobTracer#durationHistograms()} (job-metrics'
	 * Prometheus collector). The {@code job.duration} timer is built as before, for the registries that keep it.
	 * @param striped whether the tracer counts the histograms
	 * @return the changed settings
	 * @since 0.3.0
	 */
	public JobMeterSettings withStripedDurationHistograms(boolean striped) {
		return new JobMeterSettings(this.defaultBuckets, this.jobBuckets, this.jobTags, this.retryExceptions,
				this.queueWaitBuckets, this.caps, striped);
	}

	/**
	 * Returns whether the tracer counts each job's duration histogram itself (see
	 * {@link #withStripedDurationHistograms(boolean)}).
	 * @return {@code true} if it does; {@code false} by default
	 * @since 0.3.0
	 */
	public boolean stripedDurationHistograms() {
		return this.stripedDurationHistograms;
	}

	List<Duration> bucketsFor(String jobName) {
		return this.jobBuckets.getOrDefault(jobName, this.defaultBuckets);
	}

	Tags extraTagsFor(String jobName) {
		if (this.extraTagKeys.isEmpty()) {
			return Tags.empty();
		}
		Map<String, String> own = this.jobTags.getOrDefault(jobName, Map.of());
		List<Tag> tags = new ArrayList<>(this.extraTagKeys.size());
		for (String key : this.extraTagKeys) {
			tags.add(Tag.of(key, own.getOrDefault(key, JobMeters.NONE)));
		}
		return Tags.of(tags);
	}

	/**
	 * Returns whether a run that failed with the given exception counts as {@code result="retry"}: whether it is one
	 * of the configured retry exceptions or a subclass of one.
	 * @param failure the exception a run failed with
	 * @return {@code true} for a retry
	 * @since 0.3.0
	 */
	public boolean isRetryable(Throwable failure) {
		for (Class<? extends Throwable> type : this.retryExceptions) {
			if (type.isInstance(failure)) {
				return true;
			}
		}
		return false;
	}

	private record QueueWaitBuckets(List<Duration> defaults, Map<String, List<Duration>> byJob) {

		static final QueueWaitBuckets DEFAULTS = new QueueWaitBuckets(DEFAULT_QUEUE_WAIT_BUCKETS, Map.of());

	}

}
