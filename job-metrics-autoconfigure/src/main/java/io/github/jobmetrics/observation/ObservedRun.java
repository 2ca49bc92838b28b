package io.github.jobmetrics.observation;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.Predicate;

import io.github.jobmetrics.JobRun;
import io.github.jobmetrics.internal.LabeledRun;
import io.github.jobmetrics.internal.MeteringFailures;
import io.github.jobmetrics.internal.ScopedRun;
import io.github.jobmetrics.internal.SpreadRun;
import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

/**
 * A run and its Observation. Marks go to both; the end records the run's meters with the Observation current, then
 * stops it, once.
 */
final class ObservedRun extends ScopedRun implements JobRun, SpreadRun {

	private static final AtomicIntegerFieldUpdater<ObservedRun> CLOSED = AtomicIntegerFieldUpdater
		.newUpdater(ObservedRun.class, "closed");

	private final JobRun run;

	private final Observation observation;

	private final JobRunObservationContext context;

	private final Predicate<Throwable> retryable;

	// As in the run itself: marks may come from another thread than the one that closes.
	private volatile @Nullable Throwable failure;

	private volatile boolean retry;

	private volatile boolean cancelled;

	private volatile int closed;

	// The scope of the body: opened and closed by TracedRunScope on the thread that runs the body.
	private Observation.@Nullable Scope bodyScope;

	ObservedRun(JobRun run, Observation observation, JobRunObservationContext context,
			Predicate<Throwable> retryable) {
		this.run = run;
		this.observation = observation;
		this.context = context;
		this.retryable = retryable;
	}

	@Override
	public void failed(Throwable failure) {
		this.run.failed(failure);
		mark(failure, isRetryable(failure));
	}

	@Override
	public void retrying(Throwable failure) {
		this.run.retrying(failure);
		mark(failure, true);
	}

	@Override
	public void failedWithoutRetry(Throwable failure) {
		this.run.failedWithoutRetry(failure);
		mark(failure, false);
	}

	// Without it the default (nothing) would drop every queue wait of an application that has an
	// ObservationRegistry, which is every application with Spring Boot Actuator.
	@Override
	public void enqueuedAt(long epochMillis) {
		this.run.enqueuedAt(epochMillis);
	}

	@Override
	public void cancelled() {
		this.run.cancelled();
		this.cancelled = true;
	}

	// Without it a run that a lock skipped would count as a success wherever a tracing bridge is present. Its span
	// stays: the lock attempt happened.
	@Override
	public void skipped() {
		this.run.skipped();
	}

	// The run's work spreads as its delegate's does: the Observation has nothing to do with worked time.
	@Override
	public boolean spreads() {
		return this.run instanceof SpreadRun spread && spread.spreads();
	}

	@Override
	public long stopCounting() {
		return ((SpreadRun) this.run).stopCounting();
	}

	@Override
	public SpreadRun.Piece startPiece() {
		return ((SpreadRun) this.run).startPiece();
	}

	@Override
	public long instant() {
		return ((SpreadRun) this.run).instant();
	}

	@Override
	public void addWorked(long since) {
		((SpreadRun) this.run).addWorked(since);
	}

	private void mark(Throwable failure, boolean retry) {
		this.retry = retry;
		this.failure = failure;
	}

	private boolean isRetryable(Throwable failure) {
		try {
			return this.retryable.test(failure);
		}
		catch (RuntimeException | LinkageError ex) {
			MeteringFailures.log("classify the failure of a run of job '" + this.context.getJobName() + "'", ex);
			return false;
		}
	}

	@Override
	public void openScope() {
		try {
			this.bodyScope = this.observation.openScope();
		}
		catch (RuntimeException | LinkageError ex) {
			MeteringFailures.log("open the observation of job '" + this.context.getJobName() + "'", ex);
		}
	}

	@Override
	public void closeScope() {
		Observation.Scope scope = this.bodyScope;
		this.bodyScope = null;
		closeQuietly(scope);
	}

	@Override
	public void close() {
		if (!CLOSED.compareAndSet(this, 0, 1)) {
			return;
		}
		Observation.Scope scope = null;
		try {
			Throwable failure = this.failure;
			boolean cancelled = this.cancelled;
			this.context.setResult(
					cancelled ? "cancelled" : (failure == null) ? "success" : this.retry ? "retry" : "failure");
			if (failure != null && !cancelled) {
				this.observation.error(failure);
			}
			// Current while the meters are recorded, wherever the run ends, so that an exemplar sampler sees its span.
			scope = this.observation.openScope();
		}
		catch (RuntimeException | LinkageError ex) {
			MeteringFailures.log("end the observation of a run of job '" + this.context.getJobName() + "'", ex);
		}
		try {
			this.run.close();
		}
		finally {
			exceptionLabel();
			closeQuietly(scope);
			try {
				this.observation.stop();
			}
			catch (RuntimeException | LinkageError ex) {
				MeteringFailures.log("stop the observation of a run of job '" + this.context.getJobName() + "'", ex);
			}
		}
	}

	// After the run's end, which counted its failure under a capped exception label: the same label is the
	// Observation's. A delegate that does not tell it gets the simple class name, as job_exceptions_total has it.
	private void exceptionLabel() {
		Throwable failure = this.failure;
		if (failure == null || this.cancelled) {
			return;
		}
		try {
			String label = (this.run instanceof LabeledRun labeled) ? labeled.exceptionLabel()
					: simpleName(failure.getClass());
			this.context.setException(label);
		}
		catch (RuntimeException | LinkageError ex) {
			MeteringFailures.log("label the observation of a run of job '" + this.context.getJobName() + "'", ex);
		}
	}

	private static String simpleName(Class<?> type) {
		String simpleName = type.getSimpleName();
		return simpleName.isEmpty() ? type.getName() : simpleName;
	}

	private void closeQuietly(Observation.@Nullable Scope scope) {
		if (scope == null) {
			return;
		}
		try {
			scope.close();
		}
		catch (RuntimeException | LinkageError ex) {
			MeteringFailures.log("close the observation of job '" + this.context.getJobName() + "'", ex);
		}
	}

}
