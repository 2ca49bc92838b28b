package io.github.jobmetrics.micrometer;

import io.micrometer.core.instrument.Tags;

/**
 * One read of a job's duration histogram as the tracer counts it (see
 * {@link JobMeterSettings#withStripedDurationHistograms(boolean)}): what {@code job_duration_seconds} shows.
 * Each count only grows from one read to the next, and a run enters the counts in the same step as it enters
 * {@code job.executions}, whatever its result: the total of the counts is the sum of those counts at that instant.
 *
 * @param jobName the {@code job.name} tag of the job's meters
 * @param queue the {@code queue} tag of the job's meters
 * @param tags every tag of the job's meters, those two included, before any filter of a registry
 * @param upperBounds the bucket bounds in seconds, ascending (inclusive, as Prometheus' {@code le}); one array
 * that every read of the job shares, not to be changed
 * @param counts the finished runs per bucket, not cumulative: one more than the bounds, the last for durations
 * above every bound
 * @param sumSeconds the sum of the durations of the finished runs
 * @param maxSeconds the longest duration of the runs that ended in the last one to two minutes, 0 if none did
 * @since 0.3.0
 */
public record JobDurationHistogram(String jobName, String queue, Tags tags, double[] upperBounds, long[] counts,
		double sumSeconds, double maxSeconds) {

	/**
	 * Returns the number of finished runs: the sum of the counts.
	 * @return the total count
	 */
	public long count() {
		long count = 0;
		for (long bucket : this.counts) {
			count += bucket;
		}
		return count;
	}

}
