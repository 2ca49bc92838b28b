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
	 * Histogram buckets of job.queue.wait (time from enqueueing to the start of the run) for jobs without their
	 * own, shortest first.
	 */
	private List<Duration> queueWaitBuckets = new ArrayList<>(JobMeterSettings.DEFAULT_QUEUE_WAIT_BUCKETS);

	/**
	 * Message listener containers whose failed deliveries the broker delivers again.
	 */
	private final Jms jms = new Jms();

	/**
	 * Kafka listener containers, whose error handler delivers a failed record again.
	 */
	private final Kafka kafka = new Kafka();

	/**
	 * Settings per job name: buckets, the histogram buckets of this job's job.duration (default
	 * job-metrics.buckets), queueWaitBuckets, those of its job.queue.wait (default
	 * job-metrics.queue-wait-buckets), and tags, extra static tags on every meter of this job (other jobs get
	 * the same keys with the value "none"). Put a name with dots or capitals in brackets, for example
	 * job-metrics.jobs.[Exporter.run].buckets=1s,1m.
	 */
	private final Map<String, Job> jobs = new LinkedHashMap<>();

	/**
	 * Jobs traced without @TracedJob.
	 */
	private final Instrument instrument = new Instrument();

	/**
	 * The /actuator/jobs endpoint.
	 */
	private final Endpoint endpoint = new Endpoint();

	/**
	 * RabbitMQ listener containers.
	 */
	private final Amqp amqp = new Amqp();

	/**
	 * Most distinct job_name values to report. Runs of further job names are reported as job_name="other" and
	 * counted in job_metrics_label_overflow_total{label="job_name"}; the first is logged as a warning.
	 */
	private int maxJobNames = JobMeterSettings.DEFAULT_MAX_JOB_NAMES;

	/**
	 * Most distinct queue values to report, besides "none". Runs from further queues are reported as
	 * queue="other" and counted in job_metrics_label_overflow_total{label="queue"}.
	 */
	private int maxQueues = JobMeterSettings.DEFAULT_MAX_QUEUES;

	/**
	 * Most distinct exception values to report in job_exceptions_total. Runs failing with further exception
	 * types are reported as exception="other" and counted in job_metrics_label_overflow_total{label="exception"}.
	 */
	private int maxExceptionNames = JobMeterSettings.DEFAULT_MAX_EXCEPTION_NAMES;

	/**
	 * What a graceful shutdown waits for before the web server stops.
	 */
	private final Shutdown shutdown = new Shutdown();

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

	public List<Duration> getQueueWaitBuckets() {
		return this.queueWaitBuckets;
	}

	public void setQueueWaitBuckets(List<Duration> queueWaitBuckets) {
		this.queueWaitBuckets = queueWaitBuckets;
	}

	public Jms getJms() {
		return this.jms;
	}

	public Kafka getKafka() {
		return this.kafka;
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

	public Endpoint getEndpoint() {
		return this.endpoint;
	}

	public Amqp getAmqp() {
		return this.amqp;
	}

	/**
	 * Returns the most distinct job names to report.
	 * @return the cap on job_name values
	 * @since 0.2.0
	 */
	public int getMaxJobNames() {
		return this.maxJobNames;
	}

	/**
	 * Sets the most distinct job names to report.
	 * @param maxJobNames the cap on job_name values, at least 1
	 * @since 0.2.0
	 */
	public void setMaxJobNames(int maxJobNames) {
		this.maxJobNames = maxJobNames;
	}

	/**
	 * Returns the most distinct queues to report, besides "none".
	 * @return the cap on queue values
	 * @since 0.2.0
	 */
	public int getMaxQueues() {
		return this.maxQueues;
	}

	/**
	 * Sets the most distinct queues to report, besides "none".
	 * @param maxQueues the cap on queue values, at least 1
	 * @since 0.2.0
	 */
	public void setMaxQueues(int maxQueues) {
		this.maxQueues = maxQueues;
	}

	/**
	 * Returns the most distinct exception names to report.
	 * @return the cap on exception values
	 * @since 0.2.0
	 */
	public int getMaxExceptionNames() {
		return this.maxExceptionNames;
	}

	/**
	 * Sets the most distinct exception names to report.
	 * @param maxExceptionNames the cap on exception values, at least 1
	 * @since 0.2.0
	 */
	public void setMaxExceptionNames(int maxExceptionNames) {
		this.maxExceptionNames = maxExceptionNames;
	}

	public Shutdown getShutdown() {
		return this.shutdown;
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
		 * Histogram buckets of this job's job.queue.wait, shortest first. Defaults to
		 * job-metrics.queue-wait-buckets.
		 */
		private @Nullable List<Duration> queueWaitBuckets;

		/**
		 * Extra static tags on every meter of this job. Every other job gets the same keys with the value
		 * "none", as Prometheus requires one set of label names per metric.
		 */
		private final Map<String, String> tags = new LinkedHashMap<>();

		public @Nullable List<Duration> getBuckets() {
			return this.buckets;
		}

		public @Nullable List<Duration> getQueueWaitBuckets() {
			return this.queueWaitBuckets;
		}

		public void setQueueWaitBuckets(@Nullable List<Duration> queueWaitBuckets) {
			this.queueWaitBuckets = queueWaitBuckets;
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

		/**
		 * Whether to trace every @JmsListener, @KafkaListener and @RabbitListener method as a job named
		 * SimpleClassName.method whose queue is the listener's destination (when it names exactly one), as if
		 * annotated with @TracedJob. A method or class with its own @TracedJob keeps it.
		 */
		private boolean listeners;

		/**
		 * Whether to trace every execution of a Quartz job as a run of its job, named after its JobKey (the name in
		 * the DEFAULT group, group.name in others). A job class whose executeInternal or execute method has its own
		 * @TracedJob keeps it.
		 */
		private boolean quartz = true;

		/**
		 * Whether to trace every Spring Batch job execution and step execution as a run: a step as a job named
		 * jobName.stepName that counts the thread running it, a job execution as a run of its job name that
		 * encloses its steps and adds no worked time of its own.
		 */
		private boolean batch = true;

		/**
		 * Whether to trace every @Async method as a job named SimpleClassName.method with no queue, as if
		 * annotated with @TracedJob: a run on the executor's thread that lasts the method's body. A method or
		 * class with its own @TracedJob keeps it.
		 */
		private boolean async;

		public boolean isScheduled() {
			return this.scheduled;
		}

		public void setScheduled(boolean scheduled) {
			this.scheduled = scheduled;
		}

		public boolean isListeners() {
			return this.listeners;
		}

		public void setListeners(boolean listeners) {
			this.listeners = listeners;
		}

		public boolean isQuartz() {
			return this.quartz;
		}

		public void setQuartz(boolean quartz) {
			this.quartz = quartz;
		}

		public boolean isBatch() {
			return this.batch;
		}

		public void setBatch(boolean batch) {
			this.batch = batch;
		}

		public boolean isAsync() {
			return this.async;
		}

		public void setAsync(boolean async) {
			this.async = async;
		}

	}

	/**
	 * JMS listener containers.
	 */
	public static class Jms {

		/**
		 * How many times the broker delivers a message before it dead-letters it (ActiveMQ Artemis:
		 * max-delivery-attempts, 10 by default), so that a failed delivery before the last counts as
		 * result=retry and the last as result=failure. Only transacted or client-acknowledged containers have
		 * redeliveries.
		 */
		private int maxDeliveries = 10;

		public int getMaxDeliveries() {
			return this.maxDeliveries;
		}

		public void setMaxDeliveries(int maxDeliveries) {
			this.maxDeliveries = maxDeliveries;
		}

	}

	/**
	 * The /actuator/jobs endpoint.
	 *
	 * @since 0.2.0
	 */
	public static class Endpoint {

		/**
		 * Most runs in progress to list per job, oldest first; the others are only counted. Bounds the
		 * response when thousands of runs are in flight.
		 */
		private int maxRunsPerJob = 100;

		public int getMaxRunsPerJob() {
			return this.maxRunsPerJob;
		}

		public void setMaxRunsPerJob(int maxRunsPerJob) {
			this.maxRunsPerJob = maxRunsPerJob;
		}

	}

	/**
	 * RabbitMQ listener containers.
	 */
	public static class Amqp {

		/**
		 * How many times RabbitMQ returns a failed message to its queue before it drops or dead-letters it: the
		 * x-delivery-limit of quorum queues that the application does not declare as Queue beans (a declared
		 * queue's own argument wins). A failed delivery whose x-delivery-count has reached it counts as
		 * result=failure, earlier ones as result=retry. Unset: requeued messages always come back.
		 */
		private @Nullable Long deliveryLimit;

		public @Nullable Long getDeliveryLimit() {
			return this.deliveryLimit;
		}

		public void setDeliveryLimit(@Nullable Long deliveryLimit) {
			this.deliveryLimit = deliveryLimit;
		}

	}

	/**
	 * Kafka listener containers.
	 */
	public static class Kafka {

		/**
		 * How many times the listener containers' error handler delivers a record before it gives up on it
		 * (recovers, dead-letters or skips it), so that a failed attempt before the last counts as result=retry
		 * and the last as result=failure. The default, 10, is DefaultErrorHandler's default back-off, FixedBackOff(0,
		 * 9): its maximum retries plus one. Batch listeners and error handlers that do not count attempts are not
		 * concerned.
		 */
		private int maxAttempts = 10;

		public int getMaxAttempts() {
			return this.maxAttempts;
		}

		public void setMaxAttempts(int maxAttempts) {
			this.maxAttempts = maxAttempts;
		}

	}

	/**
	 * What a graceful shutdown waits for before the web server stops.
	 *
	 * @since 0.2.0
	 */
	public static class Shutdown {

		/**
		 * Whether to keep the server that serves /actuator/prometheus up on a graceful shutdown until the runs in
		 * flight have ended and every scraper has read their ends (or, with a push registry, until the runs have
		 * ended before its last publish), bounded by spring.lifecycle.timeout-per-shutdown-phase.
		 */
		private boolean enabled = true;

		/**
		 * Longest interval at which anything scrapes the application: after the last run ends, a graceful shutdown
		 * waits at most this long for every scraper to read the final values. Shortened, with a warning, when
		 * spring.lifecycle.timeout-per-shutdown-phase is shorter.
		 */
		private Duration scrapeInterval = Duration.ofSeconds(15);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getScrapeInterval() {
			return this.scrapeInterval;
		}

		public void setScrapeInterval(Duration scrapeInterval) {
			this.scrapeInterval = scrapeInterval;
		}

	}

	/**
	 * One Observation per run, so that micrometer-tracing makes one span per run.
	 *
	 * @since 0.2.0
	 */
	public static class Observation {

		/**
		 * Whether to make each run also an Observation named job.run, for a span per run. When not set, only
		 * when a tracing bridge (a micrometer-tracing Tracer other than Spring Boot's no-op one) is present; true
		 * also without one, for an ObservationHandler of the application's own.
		 */
		private @Nullable Boolean enabled;

		public @Nullable Boolean getEnabled() {
			return this.enabled;
		}

		public void setEnabled(@Nullable Boolean enabled) {
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
