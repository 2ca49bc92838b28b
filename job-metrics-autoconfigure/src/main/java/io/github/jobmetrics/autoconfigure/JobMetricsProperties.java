package io.github.jobmetrics.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.jobmetrics.micrometer.JobMeterSettings;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of job-metrics, under {@code job-metrics}.
 *
 * @since 0.1.0
 */
@ConfigurationProperties("job-metrics")
public class JobMetricsProperties {

	/**
	 * Whether to trace jobs and publish their metrics.
	 */
	private boolean enabled = true;

	/**
	 * Histogram buckets of job.duration for jobs without their own, shortest first. Spring Boot's
	 * management.metrics.distribution.slo.job.duration, when set, replaces them for every job.
	 */
	private List<Duration> buckets = new ArrayList<>(JobMeterSettings.DEFAULT_BUCKETS);

	/**
	 * Fully qualified names of exceptions whose runs count as result=retry instead of result=failure,
	 * subclasses included.
	 */
	private List<String> retryExceptions = new ArrayList<>();

	/**
	 * Settings per job name: buckets, the histogram buckets of this job's job.duration (default
	 * job-metrics.buckets), and tags, extra static tags on every meter of this job (other jobs get the same
	 * keys with the value "none"). Put a name with dots or capitals in brackets, for example
	 * job-metrics.jobs.[Exporter.run].buckets=1s,1m.
	 */
	private final Map<String, Job> jobs = new LinkedHashMap<>();

	/**
	 * Jobs traced without @TracedJob.
	 */
	private final Instrument instrument = new Instrument();

	/**
	 * One Observation per run, for tracing.
	 */
	private final Observation observation = new Observation();

	/**
	 * Prometheus-only features.
	 */
	private final Prometheus prometheus = new Prometheus();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public List<Duration> getBuckets() {
		return this.buckets;
	}

	public void setBuckets(List<Duration> buckets) {
		this.buckets = buckets;
	}

	public List<String> getRetryExceptions() {
		return this.retryExceptions;
	}

	public void setRetryExceptions(List<String> retryExceptions) {
		this.retryExceptions = retryExceptions;
	}

	public Map<String, Job> getJobs() {
		return this.jobs;
	}

	public Instrument getInstrument() {
		return this.instrument;
	}

	public Observation getObservation() {
		return this.observation;
	}

	public Prometheus getPrometheus() {
		return this.prometheus;
	}

	/**
	 * Settings of one job.
	 */
	public static class Job {

		/**
		 * Histogram buckets of this job's job.duration, shortest first. Defaults to job-metrics.buckets.
		 */
		private @Nullable List<Duration> buckets;

		/**
		 * Extra static tags on every meter of this job. Every other job gets the same keys with the value
		 * "none", as Prometheus requires one set of label names per metric.
		 */
		private final Map<String, String> tags = new LinkedHashMap<>();

		public @Nullable List<Duration> getBuckets() {
			return this.buckets;
		}

		public void setBuckets(@Nullable List<Duration> buckets) {
			this.buckets = buckets;
		}

		public Map<String, String> getTags() {
			return this.tags;
		}

	}

	/**
	 * Jobs traced without {@code @TracedJob}.
	 */
	public static class Instrument {

		/**
		 * Whether to trace every @Scheduled method as a job named SimpleClassName.method with no queue, as if
		 * annotated with @TracedJob. A method or class with its own @TracedJob keeps it.
		 */
		private boolean scheduled;

		public boolean isScheduled() {
			return this.scheduled;
		}

		public void setScheduled(boolean scheduled) {
			this.scheduled = scheduled;
		}

	}

	/**
	 * One Observation per run, so that micrometer-tracing makes one span per run.
	 *
	 * @since 0.2.0
	 */
	public static class Observation {

		/**
		 * Whether to make each run also an Observation named job.run (a span with micrometer-tracing) when the
		 * application has an ObservationRegistry.
		 */
		private boolean enabled = true;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

	}

	/**
	 * Prometheus-only features.
	 *
	 * @since 0.2.0
	 */
	public static class Prometheus {

		/**
		 * Whether to expose job_duration_seconds and job_queue_wait_seconds as Prometheus native histograms beside
		 * their classic buckets, in the registry that /actuator/prometheus serves. Only a Prometheus that scrapes
		 * the protobuf format (with native histograms enabled) reads the native histogram; other registries keep
		 * Micrometer's timers.
		 */
		private boolean nativeHistograms;

		public boolean isNativeHistograms() {
			return this.nativeHistograms;
		}

		public void setNativeHistograms(boolean nativeHistograms) {
			this.nativeHistograms = nativeHistograms;
		}

	}

}
