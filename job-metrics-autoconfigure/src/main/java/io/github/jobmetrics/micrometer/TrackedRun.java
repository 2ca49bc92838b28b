package io.github.jobmetrics.micrometer;

import io.github.jobmetrics.JobRun;
import io.github.jobmetrics.internal.LabeledRun;
import org.jspecify.annotations.Nullable;

/**
 * A run in progress, and its node in {@link InFlightRuns}: one small object per run is all a run allocates
 * (48 bytes with compressed references). {@code startNanos}, the link fields and {@code ended} are guarded by
 * the lock of its stripe.
 */
final class TrackedRun implements JobRun, LabeledRun {

	private final JobMeters meters;

	// False for a run nested in the scope of another traced run on its thread: it adds no worked time.
	final boolean working;

	// The name of the thread that started the run, for /actuator/jobs: a reference to the thread's own name
	// string, so that it costs no allocation.
	final String threadName;

	// The stripe the run was started in and ends in, whatever thread ends it. Final, so that a thread that is
	// handed the run sees it.
	final InFlightRuns.Stripe stripe;

	long startNanos;

	@Nullable TrackedRun previous;

	@Nullable TrackedRun next;

	boolean ended;

	// Volatile because failed() and close() may run on different threads (a run handed to a callback).
	// retry is written before failure and read after it, so a close() that sees the failure sees its kind.
	private volatile @Nullable Throwable failure;

	private volatile boolean retry;

	private volatile boolean cancelled;

	private volatile boolean skipped;

	TrackedRun(JobMeters meters, boolean working, InFlightRuns.Stripe stripe) {
		this.meters = meters;
		this.working = working;
		this.stripe = stripe;
		this.threadName = Thread.currentThread().getName();
	}

	@Override
	public void failed(Throwable failure) {
		mark(failure, this.meters.isRetryable(failure));
	}

	@Override
	public void retrying(Throwable failure) {
		mark(failure, true);
	}

	@Override
	public void failedWithoutRetry(Throwable failure) {
		mark(failure, false);
	}

	@Override
	public void enqueuedAt(long epochMillis) {
		this.meters.enqueued(this, epochMillis);
	}

	@Override
	public void cancelled() {
		this.cancelled = true;
	}

	@Override
	public void skipped() {
		this.skipped = true;
	}

	private void mark(Throwable failure, boolean retry) {
		this.retry = retry;
		this.failure = failure;
	}

	@Override
	public void close() {
		Throwable failure = this.failure;
		boolean cancelled = this.cancelled;
		this.meters.end(this, failure, failure != null && this.retry, cancelled,
				this.skipped && failure == null && !cancelled);
	}

	@Override
	public String jobNameLabel() {
		return this.meters.jobNameLabel();
	}

	@Override
	public String queueLabel() {
		return this.meters.queueLabel();
	}

	@Override
	public @Nullable String exceptionLabel() {
		Throwable failure = this.failure;
		if (failure == null || this.cancelled) {
			return null;
		}
		return this.meters.exceptionLabel(this.retry, failure.getClass());
	}

}
