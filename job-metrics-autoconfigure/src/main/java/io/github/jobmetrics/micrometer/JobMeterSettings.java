package io.github.jobmetrics.micrometer;

import java.time.Duration;
import java.util.ArrayList;
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
 * job), extra static tags per job, and which exceptions count as {@code result="retry"}. Immutable; each
 * {@code with...} method returns a changed copy.
 *
 * @since 0.1.0
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
	 * Tag keys that job-metrics sets itself and that extra tags therefore cannot use.
	 */
	public static final Set<String> RESERVED_TAG_KEYS = Set.of(JobMeters.JOB_NAME, JobMeters.QUEUE,
			JobMeters.RESULT, JobMeters.EXCEPTION);

	private static final JobMeterSettings DEFAULTS = new JobMeterSettings(DEFAULT_BUCKETS, Map.of(), Map.of(),
			List.of());

	private final List<Duration> defaultBuckets;

	private final Map<String, List<Duration>> jobBuckets;

	private final Map<String, Map<String, String>> jobTags;

	private final List<Class<? extends Throwable>> retryExceptions;

	private final Set<String> extraTagKeys;

	private JobMeterSettings(List<Duration> defaultBuckets, Map<String, List<Duration>> jobBuckets,
			Map<String, Map<String, String>> jobTags, List<Class<? extends Throwable>> retryExceptions) {
		this.defaultBuckets = defaultBuckets;
		this.jobBuckets = jobBuckets;
		this.jobTags = jobTags;
		this.retryExceptions = retryExceptions;
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
		return new JobMeterSettings(checkedBuckets(buckets), this.jobBuckets, this.jobTags, this.retryExceptions);
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
		return new JobMeterSettings(this.defaultBuckets, Map.copyOf(copy), this.jobTags, this.retryExceptions);
	}

	/**
	 * Returns a copy in which the meters of the named job carry the given static tags. Every meter of a name
	 * must have the same tag keys, so every other job reports these keys too, with the value {@code none}.
	 * @param jobName the job name
	 * @param tags tag keys and values; keys must not be one of {@link #RESERVED_TAG_KEYS}
	 * @return the changed settings
	 * @throws IllegalArgumentException if a key is reserved or a key or value is empty
	 */
	public JobMeterSettings withJobTags(String jobName, Map<String, String> tags) {
		tags.forEach((key, value) -> {
			String problem = tagProblem(key, value);
			if (problem != null) {
				throw new IllegalArgumentException("Extra tag '" + key + "' of job '" + jobName + "' " + problem);
			}
		});
		Map<String, Map<String, String>> copy = new LinkedHashMap<>(this.jobTags);
		copy.put(jobName, Map.copyOf(tags));
		return new JobMeterSettings(this.defaultBuckets, this.jobBuckets, Map.copyOf(copy), this.retryExceptions);
	}

	/**
	 * Returns a copy in which a run that failed with one of the given exceptions, or a subclass, counts as
	 * {@code result="retry"} instead of {@code result="failure"}.
	 * @param exceptions the retryable exception types
	 * @return the changed settings
	 */
	public JobMeterSettings withRetryExceptions(List<Class<? extends Throwable>> exceptions) {
		return new JobMeterSettings(this.defaultBuckets, this.jobBuckets, this.jobTags, List.copyOf(exceptions));
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
	 * Describes what is wrong with an extra tag.
	 * @param key the tag key
	 * @param value the tag value
	 * @return the problem, or {@code null} if the tag is valid
	 */
	public static @Nullable String tagProblem(String key, @Nullable String value) {
		if (key.isBlank()) {
			return "has an empty key";
		}
		if (RESERVED_TAG_KEYS.contains(key) || "job_name".equals(key)) {
			return "uses a key that job-metrics sets itself; choose another key than " + RESERVED_TAG_KEYS;
		}
		if (value == null || value.isBlank()) {
			return "has an empty value; give it a value or remove it";
		}
		return null;
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

	boolean isRetryable(Throwable failure) {
		for (Class<? extends Throwable> type : this.retryExceptions) {
			if (type.isInstance(failure)) {
				return true;
			}
		}
		return false;
	}

}
