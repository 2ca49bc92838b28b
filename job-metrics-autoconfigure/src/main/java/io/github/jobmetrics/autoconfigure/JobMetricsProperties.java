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
 * @since 0.3.0
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

	/**
	 * Heartbeats: messages sent on a schedule through the application's own queues, so that the consumers' lag is
	 * measured on an idle queue too.
	 */
	private final Heartbeat heartbeat = new Heartbeat();

	/**
	 * {@return the value of {@code job-metrics.enabled}}
	 */
	public boolean isEnabled() {
		return this.enabled;
	}

	/**
	 * Sets {@code job-metrics.enabled}.
	 * @param enabled the new value
	 */
	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	/**
	 * {@return the value of {@code job-metrics.buckets}}
	 */
	public List<Duration> getBuckets() {
		return this.buckets;
	}

	/**
	 * Sets {@code job-metrics.buckets}.
	 * @param buckets the new value
	 */
	public void setBuckets(List<Duration> buckets) {
		this.buckets = buckets;
	}

	/**
	 * {@return the value of {@code job-metrics.queue-wait-buckets}}
	 */
	public List<Duration> getQueueWaitBuckets() {
		return this.queueWaitBuckets;
	}

	/**
	 * Sets {@code job-metrics.queue-wait-buckets}.
	 * @param queueWaitBuckets the new value
	 */
	public void setQueueWaitBuckets(List<Duration> queueWaitBuckets) {
		this.queueWaitBuckets = queueWaitBuckets;
	}

	/**
	 * {@return the {@code job-metrics.jms.*} settings}
	 */
	public Jms getJms() {
		return this.jms;
	}

	/**
	 * {@return the {@code job-metrics.kafka.*} settings}
	 */
	public Kafka getKafka() {
		return this.kafka;
	}

	/**
	 * {@return the value of {@code job-metrics.retry-exceptions}}
	 */
	public List<String> getRetryExceptions() {
		return this.retryExceptions;
	}

	/**
	 * Sets {@code job-metrics.retry-exceptions}.
	 * @param retryExceptions the new value
	 */
	public void setRetryExceptions(List<String> retryExceptions) {
		this.retryExceptions = retryExceptions;
	}

	/**
	 * {@return the {@code job-metrics.jobs.*} settings, by job name}
	 */
	public Map<String, Job> getJobs() {
		return this.jobs;
	}

	/**
	 * {@return the {@code job-metrics.instrument.*} settings}
	 */
	public Instrument getInstrument() {
		return this.instrument;
	}

	/**
	 * {@return the {@code job-metrics.endpoint.*} settings}
	 */
	public Endpoint getEndpoint() {
		return this.endpoint;
	}

	/**
	 * {@return the {@code job-metrics.amqp.*} settings}
	 */
	public Amqp getAmqp() {
		return this.amqp;
	}

	/**
	 * Returns the most distinct job names to report.
	 * @return the cap on job_name values
	 * @since 0.3.0
	 */
	public int getMaxJobNames() {
		return this.maxJobNames;
	}

	/**
	 * Sets the most distinct job names to report.
	 * @param maxJobNames the cap on job_name values, at least 1
	 * @since 0.3.0
	 */
	public void setMaxJobNames(int maxJobNames) {
		this.maxJobNames = maxJobNames;
	}

	/**
	 * Returns the most distinct queues to report, besides "none".
	 * @return the cap on queue values
	 * @since 0.3.0
	 */
	public int getMaxQueues() {
		return this.maxQueues;
	}

	/**
	 * Sets the most distinct queues to report, besides "none".
	 * @param maxQueues the cap on queue values, at least 1
	 * @since 0.3.0
	 */
	public void setMaxQueues(int maxQueues) {
		this.maxQueues = maxQueues;
	}

	/**
	 * Returns the most distinct exception names to report.
	 * @return the cap on exception values
	 * @since 0.3.0
	 */
	public int getMaxExceptionNames() {
		return this.maxExceptionNames;
	}

	/**
	 * Sets the most distinct exception names to report.
	 * @param maxExceptionNames the cap on exception values, at least 1
	 * @since 0.3.0
	 */
	public void setMaxExceptionNames(int maxExceptionNames) {
		this.maxExceptionNames = maxExceptionNames;
	}

	/**
	 * {@return the {@code job-metrics.shutdown.*} settings}
	 */
	public Shutdown getShutdown() {
		return this.shutdown;
	}

	/**
	 * {@return the {@code job-metrics.observation.*} settings}
	 */
	public Observation getObservation() {
		return this.observation;
	}

	/**
	 * {@return the {@code job-metrics.heartbeat.*} settings}
	 */
	public Heartbeat getHeartbeat() {
		return this.heartbeat;
	}

	/**
	 * {@return the {@code job-metrics.prometheus.*} settings}
	 */
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

		/**
		 * {@return the value of {@code job-metrics.jobs.<name>.buckets}}
		 */
		public @Nullable List<Duration> getBuckets() {
			return this.buckets;
		}

		/**
		 * {@return the value of {@code job-metrics.jobs.<name>.queue-wait-buckets}}
		 */
		public @Nullable List<Duration> getQueueWaitBuckets() {
			return this.queueWaitBuckets;
		}

		/**
		 * Sets {@code job-metrics.jobs.<name>.queue-wait-buckets}.
		 * @param queueWaitBuckets the new value
		 */
		public void setQueueWaitBuckets(@Nullable List<Duration> queueWaitBuckets) {
			this.queueWaitBuckets = queueWaitBuckets;
		}

		/**
		 * Sets {@code job-metrics.jobs.<name>.buckets}.
		 * @param buckets the new value
		 */
		public void setBuckets(@Nullable List<Duration> buckets) {
			this.buckets = buckets;
		}

		/**
		 * {@return the value of {@code job-metrics.jobs.<name>.tags.*}}
		 */
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

		/**
		 * {@return the value of {@code job-metrics.instrument.scheduled}}
		 */
		public boolean isScheduled() {
			return this.scheduled;
		}

		/**
		 * Sets {@code job-metrics.instrument.scheduled}.
		 * @param scheduled the new value
		 */
		public void setScheduled(boolean scheduled) {
			this.scheduled = scheduled;
		}

		/**
		 * {@return the value of {@code job-metrics.instrument.listeners}}
		 */
		public boolean isListeners() {
			return this.listeners;
		}

		/**
		 * Sets {@code job-metrics.instrument.listeners}.
		 * @param listeners the new value
		 */
		public void setListeners(boolean listeners) {
			this.listeners = listeners;
		}

		/**
		 * {@return the value of {@code job-metrics.instrument.quartz}}
		 */
		public boolean isQuartz() {
			return this.quartz;
		}

		/**
		 * Sets {@code job-metrics.instrument.quartz}.
		 * @param quartz the new value
		 */
		public void setQuartz(boolean quartz) {
			this.quartz = quartz;
		}

		/**
		 * {@return the value of {@code job-metrics.instrument.batch}}
		 */
		public boolean isBatch() {
			return this.batch;
		}

		/**
		 * Sets {@code job-metrics.instrument.batch}.
		 * @param batch the new value
		 */
		public void setBatch(boolean batch) {
			this.batch = batch;
		}

		/**
		 * {@return the value of {@code job-metrics.instrument.async}}
		 */
		public boolean isAsync() {
			return this.async;
		}

		/**
		 * Sets {@code job-metrics.instrument.async}.
		 * @param async the new value
		 */
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

		/**
		 * {@return the value of {@code job-metrics.jms.max-deliveries}}
		 */
		public int getMaxDeliveries() {
			return this.maxDeliveries;
		}

		/**
		 * Sets {@code job-metrics.jms.max-deliveries}.
		 * @param maxDeliveries the new value
		 */
		public void setMaxDeliveries(int maxDeliveries) {
			this.maxDeliveries = maxDeliveries;
		}

	}

	/**
	 * The /actuator/jobs endpoint.
	 *
	 * @since 0.3.0
	 */
	public static class Endpoint {

		/**
		 * Most runs in progress to list per job, oldest first; the others are only counted. Bounds the
		 * response when thousands of runs are in flight.
		 */
		private int maxRunsPerJob = 100;

		/**
		 * {@return the value of {@code job-metrics.endpoint.max-runs-per-job}}
		 */
		public int getMaxRunsPerJob() {
			return this.maxRunsPerJob;
		}

		/**
		 * Sets {@code job-metrics.endpoint.max-runs-per-job}.
		 * @param maxRunsPerJob the new value
		 */
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

		/**
		 * {@return the value of {@code job-metrics.amqp.delivery-limit}}
		 */
		public @Nullable Long getDeliveryLimit() {
			return this.deliveryLimit;
		}

		/**
		 * Sets {@code job-metrics.amqp.delivery-limit}.
		 * @param deliveryLimit the new value
		 */
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

		/**
		 * {@return the value of {@code job-metrics.kafka.max-attempts}}
		 */
		public int getMaxAttempts() {
			return this.maxAttempts;
		}

		/**
		 * Sets {@code job-metrics.kafka.max-attempts}.
		 * @param maxAttempts the new value
		 */
		public void setMaxAttempts(int maxAttempts) {
			this.maxAttempts = maxAttempts;
		}

	}

	/**
	 * What a graceful shutdown waits for before the web server stops.
	 *
	 * @since 0.3.0
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
		 * waits at most this long for every scraper to read the final values. Shortened, with a warning, to
		 * spring.lifecycle.timeout-per-shutdown-phase less its margin (a tenth of it, at most 1s) when it is not
		 * shorter than that.
		 */
		private Duration scrapeInterval = Duration.ofSeconds(15);

		/**
		 * {@return the value of {@code job-metrics.shutdown.enabled}}
		 */
		public boolean isEnabled() {
			return this.enabled;
		}

		/**
		 * Sets {@code job-metrics.shutdown.enabled}.
		 * @param enabled the new value
		 */
		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		/**
		 * {@return the value of {@code job-metrics.shutdown.scrape-interval}}
		 */
		public Duration getScrapeInterval() {
			return this.scrapeInterval;
		}

		/**
		 * Sets {@code job-metrics.shutdown.scrape-interval}.
		 * @param scrapeInterval the new value
		 */
		public void setScrapeInterval(Duration scrapeInterval) {
			this.scrapeInterval = scrapeInterval;
		}

	}

	/**
	 * One Observation per run, so that micrometer-tracing makes one span per run.
	 *
	 * @since 0.3.0
	 */
	public static class Observation {

		/**
		 * Whether to make each run also an Observation named job.run, for a span per run. When not set, only
		 * when a tracing bridge (a micrometer-tracing Tracer other than Spring Boot's no-op one) is present; true
		 * also without one, for an ObservationHandler of the application's own.
		 */
		private @Nullable Boolean enabled;

		/**
		 * {@return the value of {@code job-metrics.observation.enabled}}
		 */
		public @Nullable Boolean getEnabled() {
			return this.enabled;
		}

		/**
		 * Sets {@code job-metrics.observation.enabled}.
		 * @param enabled the new value
		 */
		public void setEnabled(@Nullable Boolean enabled) {
			this.enabled = enabled;
		}

	}

	/**
	 * Prometheus-only features.
	 *
	 * @since 0.3.0
	 */
	public static class Prometheus {

		/**
		 * Whether to expose job_duration_seconds and job_queue_wait_seconds as Prometheus native histograms beside
		 * their classic buckets, in the registry that /actuator/prometheus serves. Only a Prometheus that scrapes
		 * the protobuf format (with native histograms enabled) reads the native histogram; other registries keep
		 * Micrometer's timers.
		 */
		private boolean nativeHistograms;

		/**
		 * Whether the tracer counts job_duration_seconds itself, for the registry that /actuator/prometheus serves,
		 * instead of Micrometer's timer there: same buckets and labels, cheaper per run. Applies only without a
		 * tracing bridge (whose exemplars need the timer), without native histograms, and when no
		 * management.metrics.enable or management.metrics.distribution setting names job.duration, job or all.
		 */
		private boolean stripedHistograms = true;

		/**
		 * {@return the value of {@code job-metrics.prometheus.striped-histograms}}
		 */
		public boolean isStripedHistograms() {
			return this.stripedHistograms;
		}

		/**
		 * Sets {@code job-metrics.prometheus.striped-histograms}.
		 * @param stripedHistograms the new value
		 */
		public void setStripedHistograms(boolean stripedHistograms) {
			this.stripedHistograms = stripedHistograms;
		}

		/**
		 * {@return the value of {@code job-metrics.prometheus.native-histograms}}
		 */
		public boolean isNativeHistograms() {
			return this.nativeHistograms;
		}

		/**
		 * Sets {@code job-metrics.prometheus.native-histograms}.
		 * @param nativeHistograms the new value
		 */
		public void setNativeHistograms(boolean nativeHistograms) {
			this.nativeHistograms = nativeHistograms;
		}

	}

	/**
	 * Heartbeats (tracer messages) through the application's own queues.
	 *
	 * @since 0.3.0
	 */
	public static class Heartbeat {

		/**
		 * Whether to send heartbeats to the configured destinations and to take heartbeats out of every listener
		 * container's deliveries before the application's listener sees them.
		 */
		private boolean enabled = true;

		/**
		 * Time between two heartbeats to a destination. The heartbeat lag of a healthy idle queue stays below it.
		 */
		private Duration interval = Duration.ofSeconds(30);

		/**
		 * JMS destinations to send heartbeats to.
		 */
		private final HeartbeatJms jms = new HeartbeatJms();

		/**
		 * RabbitMQ queues to send heartbeats to.
		 */
		private final HeartbeatRabbit rabbit = new HeartbeatRabbit();

		/**
		 * Kafka topics to send heartbeats to.
		 */
		private final HeartbeatKafka kafka = new HeartbeatKafka();

		/**
		 * {@return the value of {@code job-metrics.heartbeat.enabled}}
		 */
		public boolean isEnabled() {
			return this.enabled;
		}

		/**
		 * Sets {@code job-metrics.heartbeat.enabled}.
		 * @param enabled the new value
		 */
		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		/**
		 * {@return the value of {@code job-metrics.heartbeat.interval}}
		 */
		public Duration getInterval() {
			return this.interval;
		}

		/**
		 * Sets {@code job-metrics.heartbeat.interval}.
		 * @param interval the new value
		 */
		public void setInterval(Duration interval) {
			this.interval = interval;
		}

		/**
		 * {@return the {@code job-metrics.heartbeat.jms.*} settings}
		 */
		public HeartbeatJms getJms() {
			return this.jms;
		}

		/**
		 * {@return the {@code job-metrics.heartbeat.rabbit.*} settings}
		 */
		public HeartbeatRabbit getRabbit() {
			return this.rabbit;
		}

		/**
		 * {@return the {@code job-metrics.heartbeat.kafka.*} settings}
		 */
		public HeartbeatKafka getKafka() {
			return this.kafka;
		}

	}

	/**
	 * JMS heartbeats.
	 *
	 * @since 0.3.0
	 */
	public static class HeartbeatJms {

		/**
		 * Destinations to send a heartbeat to every interval, with the application's JmsTemplate (queues, or topics
		 * when its pub-sub domain is on), the names the listeners consume from.
		 */
		private List<String> destinations = new ArrayList<>();

		/**
		 * {@return the value of {@code job-metrics.heartbeat.jms.destinations}}
		 */
		public List<String> getDestinations() {
			return this.destinations;
		}

		/**
		 * Sets {@code job-metrics.heartbeat.jms.destinations}.
		 * @param destinations the new value
		 */
		public void setDestinations(List<String> destinations) {
			this.destinations = destinations;
		}

	}

	/**
	 * RabbitMQ heartbeats.
	 *
	 * @since 0.3.0
	 */
	public static class HeartbeatRabbit {

		/**
		 * Queues to send a heartbeat to every interval, with the application's RabbitTemplate, through the default
		 * exchange (routing key = queue name).
		 */
		private List<String> queues = new ArrayList<>();

		/**
		 * {@return the value of {@code job-metrics.heartbeat.rabbit.queues}}
		 */
		public List<String> getQueues() {
			return this.queues;
		}

		/**
		 * Sets {@code job-metrics.heartbeat.rabbit.queues}.
		 * @param queues the new value
		 */
		public void setQueues(List<String> queues) {
			this.queues = queues;
		}

	}

	/**
	 * Kafka heartbeats.
	 *
	 * @since 0.3.0
	 */
	public static class HeartbeatKafka {

		/**
		 * Topics to send a heartbeat to every interval, one to each partition, with the application's KafkaTemplate
		 * (a record with a null key and value and the job-metrics-heartbeat header).
		 */
		private List<String> topics = new ArrayList<>();

		/**
		 * {@return the value of {@code job-metrics.heartbeat.kafka.topics}}
		 */
		public List<String> getTopics() {
			return this.topics;
		}

		/**
		 * Sets {@code job-metrics.heartbeat.kafka.topics}.
		 * @param topics the new value
		 */
		public void setTopics(List<String> topics) {
			this.topics = topics;
		}

	}

}
