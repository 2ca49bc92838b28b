package io.github.jobmetrics.quartz;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.github.jobmetrics.JobTracer;
import io.github.jobmetrics.internal.SchedulePoolGauges;
import io.github.jobmetrics.internal.ScheduleLagTimers;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.quartz.JobDetail;
import org.quartz.JobKey;

import org.springframework.util.StringValueResolver;

/**
 * The jobs of one Quartz scheduler, by {@link JobKey}, and their meters of schedule lag, misfires and the pool that
 * runs them ({@code job.schedule.pool}, the scheduler's name). Their {@code job_name} values are capped as the tracer caps its own ({@code job-metrics.max-job-names}):
 * Quartz jobs may be created at run time, one per customer say, and past the cap a new name is {@code other}.
 * <p>
 * A JobKey is remembered only while its name is admitted, so that a stream of new jobs past the cap costs no
 * memory; their job classes are remembered, being bounded by the code.
 */
final class QuartzJobs {

	static final String NONE = "none";

	static final String OTHER = "other";

	private static final Log logger = LogFactory.getLog(QuartzJobs.class);

	private final JobTracer tracer;

	private final MeterRegistry registry;

	private final String pool;

	private final boolean traceExecutions;

	private final int maxJobNames;

	private final @Nullable StringValueResolver values;

	private final Map<JobKey, QuartzJob> byKey = new ConcurrentHashMap<>();

	private final Map<Class<?>, JobClass> byClass = new ConcurrentHashMap<>();

	private final Set<String> admitted = ConcurrentHashMap.newKeySet();

	private volatile boolean full;

	QuartzJobs(JobTracer tracer, MeterRegistry registry, String pool, boolean traceExecutions, int maxJobNames,
			@Nullable StringValueResolver values) {
		this.tracer = tracer;
		this.registry = registry;
		this.pool = pool;
		this.traceExecutions = traceExecutions;
		this.maxJobNames = maxJobNames;
		this.values = values;
	}

	JobTracer tracer() {
		return this.tracer;
	}

	boolean traceExecutions() {
		return this.traceExecutions;
	}

	MeterRegistry registry() {
		return this.registry;
	}

	/**
	 * Builds the meters of a job known at start-up, so that its series read 0 before its first run, and says once
	 * if its {@code @TracedJob} cannot apply.
	 */
	void register(JobDetail detail) {
		QuartzJob job = of(detail);
		String unreachable = job.jobClass().unreachableAnnotation();
		if (unreachable != null) {
			logger.warn("job-metrics: " + unreachable + ". "
					+ (this.traceExecutions ? "Quartz job '" + detail.getKey() + "' is traced zero-code as '"
							+ job.name() + "' instead; move @TracedJob onto executeInternal to name it."
							: "Quartz job '" + detail.getKey() + "' is not traced: move @TracedJob onto "
									+ "executeInternal, or set job-metrics.instrument.quartz=true."));
		}
		if (this.traceExecutions || job.jobClass().annotated()) {
			this.tracer.register(job.name(), job.queue());
		}
	}

	/**
	 * Returns the job of an execution's {@code JobDetail}.
	 */
	QuartzJob of(JobDetail detail) {
		QuartzJob job = this.byKey.get(detail.getKey());
		if (job != null && job.jobClass() == jobClass(detail.getJobClass())) {
			return job;
		}
		return resolve(detail.getKey(), jobClass(detail.getJobClass()));
	}

	/**
	 * Returns the job of a trigger's JobKey: the one seen at start-up or at a run, else one named after the key.
	 */
	QuartzJob of(JobKey key) {
		QuartzJob job = this.byKey.get(key);
		return (job != null) ? job : resolve(key, new JobClass(null, null, null));
	}

	// A lookup first: the capturing lambda of computeIfAbsent would be allocated on every execution.
	private JobClass jobClass(Class<?> type) {
		JobClass jobClass = this.byClass.get(type);
		return (jobClass != null) ? jobClass : this.byClass.computeIfAbsent(type, (key) -> JobClass.of(key, this.values));
	}

	private QuartzJob resolve(JobKey key, JobClass jobClass) {
		String name = (jobClass.annotatedName() != null) ? jobClass.annotatedName() : nameOf(key);
		String queue = jobClass.annotatedQueue();
		String label = admit(name);
		String queueTag = (queue != null) ? queue : NONE;
		QuartzJob job = new QuartzJob(name, queue, jobClass, ScheduleLagTimers.register(this.registry, label, queueTag),
				misfires(label, queueTag));
		SchedulePoolGauges.register(this.registry, label, queueTag, this.pool);
		if (label != OTHER || name.equals(OTHER)) {
			this.byKey.put(key, job);
		}
		return job;
	}

	// The JobKey's name alone in Quartz's default group, where most applications keep their jobs; the group in front
	// elsewhere, since two groups may each have a job of the same name.
	static String nameOf(JobKey key) {
		return JobKey.DEFAULT_GROUP.equals(key.getGroup()) ? key.getName() : key.getGroup() + "." + key.getName();
	}

	private Counter misfires(String label, String queue) {
		return Counter.builder("job.misfires")
			.description("Runs of a Quartz job that its scheduler did not start in time, as its trigger's misfire "
					+ "instruction then handled them")
			.tags("job.name", label, "queue", queue)
			.register(this.registry);
	}

	private String admit(String name) {
		if (this.admitted.contains(name) || name.equals(OTHER)) {
			return name;
		}
		if (!this.full) {
			synchronized (this) {
				if (this.admitted.size() < this.maxJobNames) {
					this.admitted.add(name);
					return name;
				}
				this.full = true;
			}
			logger.warn("job-metrics reached its cap of " + this.maxJobNames + " distinct Quartz job names "
					+ "(job-metrics.max-job-names): the schedule lag and misfires of further jobs are reported as "
					+ "job_name=\"" + OTHER + "\". Give Quartz jobs created per item of data a fixed JobKey name (and "
					+ "the item in their JobDataMap), or raise job-metrics.max-job-names. This warning is logged once.");
		}
		return OTHER;
	}

}
