package io.github.jobmetrics.micrometer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import io.github.jobmetrics.JobRun;
import io.github.jobmetrics.internal.LabeledRun;
import io.github.jobmetrics.internal.SpreadRun;
import org.jspecify.annotations.Nullable;

/**
 * A run in progress, and its node in {@link InFlightRuns}: one small object per run is all a run allocates
 * (48 bytes with compressed references). {@code startNanos}, the link fields and {@code ended} are guarded by
 * the lock of its stripe.
 */
final class TrackedRun implements JobRun, LabeledRun, SpreadRun {

	private final JobMeters meters;

	// False for a run nested in the scope of another traced run on its thread: it adds no worked time. Set at the
	// start, and cleared for good if the run stops counting its thread (stopCounting()); guarded by the stripe's lock
	// after the start.
	boolean working;

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

	private static final byte RETRY = 1;

	private static final byte CANCELLED = 2;

	private static final byte SKIPPED = 4;

	private static final VarHandle MARKS;

	static {
		try {
			MARKS = MethodHandles.lookup().findVarHandle(TrackedRun.class, "marks", byte.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	// Volatile because failed() and close() may run on different threads (a run handed to a callback). The retry
	// mark is written before failure and read after it, so a close() that sees the failure sees its kind.
	private volatile @Nullable Throwable failure;

	// RETRY, CANCELLED and SKIPPED in one byte, each set or cleared atomically: three booleans would take the run
	// from 48 to 56 bytes.
	private volatile byte marks;

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
		MARKS.getAndBitwiseOr(this, CANCELLED);
	}

	@Override
	public void skipped() {
		MARKS.getAndBitwiseOr(this, SKIPPED);
	}

	private void mark(Throwable failure, boolean retry) {
		if (retry) {
			MARKS.getAndBitwiseOr(this, RETRY);
		}
		else {
			MARKS.getAndBitwiseAnd(this, (byte) ~RETRY);
		}
		this.failure = failure;
	}

	@Override
	public void close() {
		Throwable failure = this.failure;
		int marks = this.marks;
		boolean cancelled = (marks & CANCELLED) != 0;
		this.meters.end(this, failure, failure != null && (marks & RETRY) != 0, cancelled,
				(marks & SKIPPED) != 0 && failure == null && !cancelled);
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
	public boolean spreads() {
		return true;
	}

	@Override
	public long stopCounting() {
		return this.meters.inFlight().stopWorking(this);
	}

	@Override
	public SpreadRun.Piece startPiece() {
		return this.meters.inFlight().startPiece();
	}

	@Override
	public long instant() {
		return this.meters.inFlight().instant();
	}

	@Override
	public void addWorked(long since) {
		this.meters.inFlight().addWorked(since);
	}

	@Override
	public @Nullable String exceptionLabel() {
		Throwable failure = this.failure;
		int marks = this.marks;
		if (failure == null || (marks & CANCELLED) != 0) {
			return null;
		}
		return this.meters.exceptionLabel((marks & RETRY) != 0, failure.getClass());
	}

}
