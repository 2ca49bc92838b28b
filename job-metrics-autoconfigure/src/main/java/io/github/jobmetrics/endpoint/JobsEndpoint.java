package io.github.jobmetrics.endpoint;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.github.jobmetrics.micrometer.JobSnapshot;
import io.github.jobmetrics.micrometer.MicrometerJobTracer;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * {@code /actuator/jobs}: per job, the runs by result, the seconds worked and the last success, and each run in
 * progress with its job, queue, start time, elapsed time and thread name.
 * <p>
 * It never shows a method argument, a message or an exception: the tracer does not keep them. The runs listed
 * are the oldest of each job, at most {@code job-metrics.endpoint.max-runs-per-job}; the others are counted in
 * {@code omittedRunsInFlight}, so that thousands of runs in flight give a bounded answer. Like every actuator
 * endpoint, it is only served over HTTP once exposed ({@code management.endpoints.web.exposure.include}).
 *
 * @since 0.3.0
 */
@Endpoint(id = "jobs")
public class JobsEndpoint {

	private final MicrometerJobTracer tracer;

	private final int maxRunsPerJob;

	/**
	 * Creates the endpoint.
	 * @param tracer the tracer whose jobs to show
	 * @param maxRunsPerJob the most runs in progress to list per job
	 */
	public JobsEndpoint(MicrometerJobTracer tracer, int maxRunsPerJob) {
		if (maxRunsPerJob < 0) {
			throw new IllegalArgumentException("maxRunsPerJob must not be negative; got " + maxRunsPerJob);
		}
		this.tracer = tracer;
		this.maxRunsPerJob = maxRunsPerJob;
	}

	/**
	 * Describes every job the tracer knows, ordered by job name and queue.
	 * @return the jobs
	 */
	@ReadOperation
	public JobsDescriptor jobs() {
		return new JobsDescriptor(this.tracer.snapshot(this.maxRunsPerJob).stream().map(JobDescriptor::of).toList());
	}

	/**
	 * The answer of {@code /actuator/jobs}.
	 *
	 * @param jobs one entry per job name and queue
	 * @since 0.3.0
	 */
	public record JobsDescriptor(List<JobDescriptor> jobs) implements OperationResponseBody {
	}

	/**
	 * One job: its totals and its oldest runs in progress.
	 *
	 * @param jobName the job name
	 * @param queue the queue, {@code none} when no queue applies
	 * @param runs finished runs by result
	 * @param workedSeconds seconds worked, runs in progress included
	 * @param lastSuccess when a run last ended successfully, {@code null} if none has since start-up
	 * @param inFlight runs in progress
	 * @param runsInFlight the oldest runs in progress, oldest first
	 * @param omittedRunsInFlight runs in progress not listed
	 * @since 0.3.0
	 */
	public record JobDescriptor(String jobName, String queue, Map<String, Long> runs, double workedSeconds,
			@Nullable Instant lastSuccess, int inFlight, List<RunDescriptor> runsInFlight, int omittedRunsInFlight) {

		static JobDescriptor of(JobSnapshot job) {
			List<RunDescriptor> runs = job.runsInFlight()
				.stream()
				.map((run) -> new RunDescriptor(job.jobName(), job.queue(), run.started(),
						run.elapsed().toNanos() / 1e9, run.threadName()))
				.toList();
			return new JobDescriptor(job.jobName(), job.queue(), job.runsByResult(), job.workedSeconds(),
					job.lastSuccess(), job.inFlight(), runs, job.omittedRunsInFlight());
		}

	}

	/**
	 * A run in progress.
	 *
	 * @param jobName the job name
	 * @param queue the queue
	 * @param started when it started
	 * @param elapsedSeconds how long it has been running
	 * @param threadName the thread that started it
	 * @since 0.3.0
	 */
	public record RunDescriptor(String jobName, String queue, Instant started, double elapsedSeconds,
			String threadName) {
	}

}
