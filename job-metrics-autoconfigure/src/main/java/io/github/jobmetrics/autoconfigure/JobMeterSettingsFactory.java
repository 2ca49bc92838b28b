package io.github.jobmetrics.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.github.jobmetrics.JobMetricsConfigurationException;
import io.github.jobmetrics.micrometer.JobMeterSettings;
import org.jspecify.annotations.Nullable;

import org.springframework.util.ClassUtils;

/**
 * Turns {@link JobMetricsProperties} into {@link JobMeterSettings}, failing with the key at fault and the fix
 * for every invalid value.
 */
final class JobMeterSettingsFactory {

	private static final String PREFIX = "job-metrics.";

	private static final String TAG_KEY_FIX = "Rename the tag to a key of ASCII letters, digits and '_' that starts "
			+ "with a letter and becomes none of the labels job_name, queue, result, exception, le, quantile, job, "
			+ "instance nor the label of another extra tag (Prometheus turns '.' and '-' into '_'), or remove it";

	private JobMeterSettingsFactory() {
	}

	static JobMeterSettings create(JobMetricsProperties properties, @Nullable ClassLoader classLoader) {
		JobMeterSettings settings = JobMeterSettings.defaults()
			.withDefaultBuckets(checkedBuckets(PREFIX + "buckets", properties.getBuckets()))
			.withDefaultQueueWaitBuckets(checkedBuckets(PREFIX + "queue-wait-buckets", properties.getQueueWaitBuckets()))
			.withRetryExceptions(retryExceptions(properties.getRetryExceptions(), classLoader))
			.withMaxJobNames(checkedCap("max-job-names", properties.getMaxJobNames()))
			.withMaxQueues(checkedCap("max-queues", properties.getMaxQueues()))
			.withMaxExceptionNames(checkedCap("max-exception-names", properties.getMaxExceptionNames()));
		// Every extra tag key becomes a label of every job's meters, so keys clash across jobs too.
		Set<String> tagKeys = new LinkedHashSet<>();
		properties.getJobs().values().forEach((job) -> tagKeys.addAll(job.getTags().keySet()));
		for (Map.Entry<String, JobMetricsProperties.Job> entry : properties.getJobs().entrySet()) {
			String jobName = entry.getKey();
			String key = PREFIX + "jobs.[" + jobName + "]";
			List<Duration> buckets = entry.getValue().getBuckets();
			if (buckets != null) {
				settings = settings.withJobBuckets(jobName, checkedBuckets(key + ".buckets", buckets));
			}
			List<Duration> queueWaitBuckets = entry.getValue().getQueueWaitBuckets();
			if (queueWaitBuckets != null) {
				settings = settings.withJobQueueWaitBuckets(jobName,
						checkedBuckets(key + ".queue-wait-buckets", queueWaitBuckets));
			}
			Map<String, String> tags = entry.getValue().getTags();
			tags.forEach((tagKey, value) -> {
				String problem = JobMeterSettings.tagProblem(tagKey, value, tagKeys);
				if (problem != null) {
					throw new JobMetricsConfigurationException(key + ".tags.[" + tagKey + "]", problem,
							(value == null || value.isBlank()) ? "Give the tag a value or remove it" : TAG_KEY_FIX);
				}
			});
			if (!tags.isEmpty()) {
				settings = settings.withJobTags(jobName, tags);
			}
		}
		return settings;
	}

	private static int checkedCap(String name, int cap) {
		if (cap < 1) {
			throw new JobMetricsConfigurationException(PREFIX + name, "is " + cap + "; a cap on distinct label values "
					+ "must let at least one value through (past it, values are reported as \"other\")",
					"Set " + PREFIX + name + " to 1 or more, or remove it for the default");
		}
		return cap;
	}

	private static List<Duration> checkedBuckets(String key, List<Duration> buckets) {
		String problem = JobMeterSettings.bucketProblem(buckets);
		if (problem != null) {
			throw new JobMetricsConfigurationException(key, problem,
					"Set " + key + " to positive durations in strictly ascending order, for example 100ms,1s,10s,1m");
		}
		return buckets;
	}

	private static List<Class<? extends Throwable>> retryExceptions(List<String> names,
			@Nullable ClassLoader classLoader) {
		List<Class<? extends Throwable>> types = new ArrayList<>(names.size());
		for (int i = 0; i < names.size(); i++) {
			String key = PREFIX + "retry-exceptions[" + i + "]";
			String name = names.get(i).strip();
			Class<?> type;
			try {
				type = ClassUtils.forName(name, classLoader);
			}
			catch (ClassNotFoundException | LinkageError ex) {
				throw new JobMetricsConfigurationException(key, "names class '" + name + "', which is not on the classpath",
						"Use the fully qualified name of an exception class, for example java.io.IOException, "
								+ "or add the library that contains it");
			}
			if (!Throwable.class.isAssignableFrom(type)) {
				throw new JobMetricsConfigurationException(key, "names class '" + name + "', which is not an exception",
						"Use the fully qualified name of a subclass of java.lang.Throwable");
			}
			types.add(type.asSubclass(Throwable.class));
		}
		return types;
	}

}
