package io.github.jobmetrics.micrometer;

import io.github.jobmetrics.JobRun;
import org.jspecify.annotations.Nullable;

/**
 * A run in progress, and its node in {@link InFlightRuns}: one small object per run is all a run allocates.
 * The link fields and {@code ended} are guarded by the lock of the owning {@link InFlightRuns}.
 */
final class TrackedRun implements JobRun {

	private final JobMeters meters;

	long startNanos;

	@Nullable TrackedRun previous;

	@Nullable TrackedRun next;

	boolean ended;

	private @Nullable Throwable failure;

	private boolean retry;

	TrackedRun(JobMeters meters) {
		this.meters = meters;
	}

	@Override
	public void failed(Throwable failure) {
		this.failure = failure;
		this.retry = this.meters.isRetryable(failure);
	}

	@Override
	public void retrying(Throwable failure) {
		this.failure = failure;
		this.retry = true;
	}

	@Override
	public void close() {
		this.meters.end(this, this.failure, this.retry);
	}

}
