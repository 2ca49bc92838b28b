package io.github.jobmetrics.micrometer;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * What one job (one job name and queue) has done and is doing, read from its meters at one instant: for
 * {@code /actuator/jobs} and other read-only views. It holds no method argument, message or exception.
 *
 * @param jobName the job name
 * @param queue the queue, {@code none} when no queue applies
 * @param runsByResult finished runs by result ({@code success}, {@code failure}, {@code retry},
 * {@code cancelled}), as {@code job_executions_total} counts them
 * @param workedSeconds seconds worked, including the elapsed part of runs in progress, as
 * {@code job_worked_seconds_total} would read now
 * @param lastSuccess when the last run ended successfully, or {@code null} before the first success
 * @param inFlight the number of runs in progress
 * @param runsInFlight the oldest runs in progress, oldest first, at most as many as asked for
 * @since 0.3.0
 */
public record JobSnapshot(String jobName, String queue, Map<String, Long> runsByResult, double workedSeconds,
		@Nullable Instant lastSuccess, int inFlight, List<RunInFlight> runsInFlight) {

	/**
	 * How many runs in progress {@link #runsInFlight()} leaves out.
	 * @return the runs in progress beyond those listed
	 */
	public int omittedRunsInFlight() {
		return Math.max(0, this.inFlight - this.runsInFlight.size());
	}

	/**
	 * A run in progress.
	 *
	 * @param threadName the name of the thread that started the run
	 * @param started when the run started, on the registry's wall clock
	 * @param elapsed how long the run has been in progress, on the monotonic clock
	 * @since 0.3.0
	 */
	public record RunInFlight(String threadName, Instant started, Duration elapsed) {
	}

}
