package io.github.jobmetrics.internal;

import io.github.jobmetrics.JobRun;
import org.jspecify.annotations.Nullable;

/**
 * A tracer that resolves a job once for a call site that starts many runs of it, such as a {@code @TracedJob}
 * method: the site keeps what {@link #prepare} returned and starts each run from it, without the tracer's lookup
 * of the job by name, and says itself whether the run is nested, from the {@link TracedRunScope#depth() depth}
 * it enters the run's scope with. Internal to job-metrics, not API.
 */
public interface PreparedJobs {

	/**
	 * Resolves the job, building its meters if need be.
	 * @param jobName the job name
	 * @param queue the queue, or {@code null} for none
	 * @return the job's runs, or {@code null} where every run must go through {@code JobTracer.start}: a name or
	 * queue folded into {@code other} under its cap counts each run in the overflow counter there
	 */
	@Nullable Job prepare(String jobName, @Nullable String queue);

	/**
	 * The runs of one job.
	 */
	interface Job {

		/**
		 * Starts a run of the job, as {@code JobTracer.start} does.
		 * @param nested whether the current thread is inside the scope of a traced run, so that this run adds no
		 * worked time
		 * @return the run in progress
		 */
		JobRun start(boolean nested);

	}

}
