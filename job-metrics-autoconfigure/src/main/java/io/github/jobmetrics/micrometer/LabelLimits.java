package io.github.jobmetrics.micrometer;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.github.jobmetrics.internal.MeteringFailures;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The caps on the distinct values of the {@code job_name}, {@code queue} and {@code exception} labels, shared by
 * every job of one tracer. A value seen before is admitted without a lock; a new value is admitted while its label
 * is under its cap, and past it is reported as {@code other}, with one warning per label and a count of the runs
 * so folded in {@code job.metrics.label.overflow}.
 * <p>
 * Folding happens here, in the tracer, and not in a {@code MeterFilter}: the runs of every folded name must share
 * one {@link InFlightRuns}, or the worked-seconds counter and the gauges of {@code other} would each read only the
 * state of whichever job registered them first (a registry returns the meter already registered under an id, so
 * the state of a second job mapped onto the same id would be dropped).
 */
final class LabelLimits {

	static final String OTHER = "other";

	private static final Log logger = LogFactory.getLog(LabelLimits.class);

	private final Label jobNames;

	private final Label queues;

	private final Label exceptionNames;

	LabelLimits(MeterRegistry registry, JobMeterSettings settings) {
		this.jobNames = new Label(registry, "job_name", "max-job-names", "withMaxJobNames", settings.maxJobNames(),
				null);
		this.queues = new Label(registry, "queue", "max-queues", "withMaxQueues", settings.maxQueues(), JobMeters.NONE);
		this.exceptionNames = new Label(registry, "exception", "max-exception-names", "withMaxExceptionNames",
				settings.maxExceptionNames(), null);
	}

	Label jobNames() {
		return this.jobNames;
	}

	Label queues() {
		return this.queues;
	}

	Label exceptionNames() {
		return this.exceptionNames;
	}

	/**
	 * One capped label.
	 */
	static final class Label {

		private final String name;

		private final String property;

		private final String setter;

		private final int max;

		// A value every job may use without taking a place under the cap (queue="none"), or null.
		private final @Nullable String exempt;

		private final Set<String> admitted = ConcurrentHashMap.newKeySet();

		// Set once the cap is reached, so that later new values fold without taking the lock.
		private volatile boolean full;

		private final @Nullable Counter overflow;

		Label(MeterRegistry registry, String name, String property, String setter, int max, @Nullable String exempt) {
			this.name = name;
			this.property = property;
			this.setter = setter;
			this.max = max;
			this.exempt = exempt;
			this.overflow = overflowCounter(registry, name);
		}

		/**
		 * Returns the value itself if it is admitted (seen before, or new while the cap is not reached), else
		 * {@link #OTHER}. Allocates nothing.
		 */
		String admit(String value) {
			if (this.admitted.contains(value) || value.equals(OTHER) || value.equals(this.exempt)) {
				return value;
			}
			if (!this.full) {
				synchronized (this) {
					if (this.admitted.size() < this.max) {
						this.admitted.add(value);
						return value;
					}
					this.full = true;
				}
				logger.warn("job-metrics reached its cap of " + this.max + " distinct values of the label " + this.name
						+ " (job-metrics." + this.property + ", or JobMeterSettings." + this.setter + "): further values"
						+ " are reported as " + this.name + "=\"" + OTHER + "\", and their runs are counted in"
						+ " job_metrics_label_overflow_total{label=\"" + this.name + "\"}. Give work whose " + this.name
						+ " varies with its data (an id, a timestamp, a user) a fixed name, or raise job-metrics."
						+ this.property + " if these are distinct jobs. This warning is logged once.");
			}
			return OTHER;
		}

		/**
		 * Counts a run whose value was folded into {@link #OTHER}.
		 */
		void folded() {
			if (this.overflow != null) {
				try {
					this.overflow.increment();
				}
				catch (RuntimeException | LinkageError ex) {
					MeteringFailures.log("count a run whose " + this.name + " was folded into 'other'", ex);
				}
			}
		}

		// Built with the tracer, so that all three series read 0 before any value is folded. A registry that cannot
		// build it costs the count, never the tracer.
		private static @Nullable Counter overflowCounter(MeterRegistry registry, String label) {
			try {
				return Counter.builder("job.metrics.label.overflow")
					.description("Runs whose job name, queue or exception was reported as 'other' because that label "
							+ "had reached its cap of distinct values")
					.tag("label", label)
					.register(registry);
			}
			catch (RuntimeException | LinkageError ex) {
				MeteringFailures.log("register job.metrics.label.overflow", ex);
				return null;
			}
		}

	}

}
