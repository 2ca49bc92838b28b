package io.github.jobmetrics.internal;

import java.util.Arrays;

import io.github.jobmetrics.JobRun;
import org.jspecify.annotations.Nullable;

/**
 * The message, or batch of messages, that a listener container is delivering on the current thread: what a
 * traced listener method cannot see in its own arguments when it takes only a payload. A container hook
 * {@link #begin() begins} a delivery before it calls the listener, records each message's enqueue time and
 * whether the broker will deliver it again if this attempt fails, and {@link #end() ends} the delivery in a
 * {@code finally}.
 * <p>
 * Only the run of the listener method itself {@link #claim claims} the delivery: that run observes the queue
 * wait of every message, and its failure is a {@code retry} or a {@code failure} as the broker will treat it,
 * which holds only for an exception that leaves the listener. A traced service that the listener calls, which
 * the listener may catch, never claims it, and neither do runs nested in the listener's. An in-memory retry of
 * the listener method (Spring's {@code @Retryable}) makes further runs of the listener in one delivery: each
 * gets the same rule, and none observes the waits again. Internal to job-metrics, not API.
 */
public final class Deliveries {

	/**
	 * Tells what follows a failed attempt at a delivery, once its failure is known: a broker client may requeue
	 * or drop a message depending on the exception (RabbitMQ's {@code AmqpRejectAndDontRequeueException}), or
	 * retry it in memory first.
	 */
	@FunctionalInterface
	public interface RedeliveryRule {

		/**
		 * Tells what follows the failure of a run that claimed the delivery. Called at most once per run, on the
		 * thread of the delivery, as the failure leaves the listener method, once no in-memory retry of the
		 * listener method ({@code @Retryable}) will call it again.
		 * @param failure what the listener method threw
		 * @return what follows
		 */
		Redelivery after(Throwable failure);

	}

	/**
	 * What follows a failed attempt at a delivery, whatever the failure.
	 */
	public enum Redelivery implements RedeliveryRule {

		/** The container cannot tell: the run's failure is classified as for any job. */
		UNKNOWN,

		/** The broker will deliver the message again: a failure is a {@code retry}. */
		WILL_FOLLOW,

		/** Nothing will deliver it again (the last attempt, or no redelivery at all): a {@code failure}. */
		NONE;

		@Override
		public Redelivery after(Throwable failure) {
			return this;
		}

		/**
		 * Tells what follows the failure of a numbered delivery attempt, for clients that count attempts (JMS's
		 * {@code JMSXDeliveryCount}, Kafka's delivery-attempt header): another attempt before the last, nothing
		 * after it.
		 * @param attempt the attempt, counting from 1; below 1 when the client did not tell
		 * @param maxAttempts how many attempts are made before the message is given up
		 * @return {@link #WILL_FOLLOW} before the last attempt, {@link #NONE} from it on, {@link #UNKNOWN} if
		 * the attempt is not known
		 */
		public static Redelivery ofAttempt(int attempt, int maxAttempts) {
			if (attempt < 1) {
				return UNKNOWN;
			}
			return (attempt < maxAttempts) ? WILL_FOLLOW : NONE;
		}

	}

	// One holder per listener thread, reused by every delivery so that a message allocates nothing here.
	private static final ThreadLocal<Delivery> current = new ThreadLocal<>();

	private Deliveries() {
	}

	/**
	 * Begins a delivery on the current thread, unless one is already under way (a listener that calls another
	 * container's listener on its own thread): the outer delivery is the one its run claims.
	 * @return whether this call began a delivery, and must therefore {@link #end()} it
	 */
	public static boolean begin() {
		Delivery delivery = current.get();
		if (delivery == null) {
			delivery = new Delivery();
			current.set(delivery);
		}
		if (delivery.open) {
			return false;
		}
		delivery.open = true;
		delivery.claimed = false;
		delivery.count = 0;
		delivery.redelivery = Redelivery.UNKNOWN;
		return true;
	}

	/**
	 * Adds the enqueue time of a message of the delivery under way.
	 * @param epochMillis when the message was enqueued, in milliseconds since the epoch
	 */
	public static void enqueuedAt(long epochMillis) {
		Delivery delivery = current.get();
		if (delivery != null && delivery.open) {
			delivery.add(epochMillis);
		}
	}

	/**
	 * Sets what follows if the delivery under way fails.
	 * @param redelivery what the broker will do, a {@link Redelivery} or a rule that depends on the failure
	 */
	public static void redelivery(RedeliveryRule redelivery) {
		Delivery delivery = current.get();
		if (delivery != null && delivery.open) {
			delivery.redelivery = redelivery;
		}
	}

	/**
	 * Ends the delivery that {@link #begin()} began.
	 */
	public static void end() {
		Delivery delivery = current.get();
		if (delivery != null) {
			delivery.open = false;
		}
	}

	/**
	 * Claims the delivery under way for the run of the listener method, which has just started (before it enters
	 * its {@link TracedRunScope}); a run that starts inside another traced run is nested and claims nothing.
	 * Unless told otherwise, the first run to claim a delivery observes the queue wait of each of its messages. A
	 * later run that claims it is another in-memory attempt of the same listener call, since the first run has
	 * ended: it gets the same rule, and observes nothing, since the messages waited only once. Never throws: a run
	 * whose {@code enqueuedAt} fails is logged, and the delivery stays claimed.
	 * @param run the run of the listener method
	 * @param observeWaits whether the run takes its enqueue times from the delivery; {@code false} when the run
	 * has a source of its own, which then wins
	 * @return what follows if the run fails, or {@code null} if there was no delivery to claim or the run is nested
	 */
	public static @Nullable RedeliveryRule claim(JobRun run, boolean observeWaits) {
		Delivery delivery = current.get();
		if (delivery == null || !delivery.open || TracedRunScope.isOpen()) {
			return null;
		}
		boolean first = !delivery.claimed;
		delivery.claimed = true;
		for (int i = 0; first && observeWaits && i < delivery.count; i++) {
			observe(run, delivery.enqueued[i]);
		}
		return delivery.redelivery;
	}

	// The run may be an application's own tracer's: what it throws must not reach the listener.
	private static void observe(JobRun run, long epochMillis) {
		try {
			run.enqueuedAt(epochMillis);
		}
		catch (RuntimeException | LinkageError ex) {
			MeteringFailures.log("observe the queue wait of a message", ex);
		}
	}

	/**
	 * Returns whether a listener container is delivering a message on the current thread, claimed or not.
	 * @return {@code true} between a container's {@link #begin()} and {@link #end()}
	 */
	public static boolean isUnderWay() {
		Delivery delivery = current.get();
		return delivery != null && delivery.open;
	}

	/**
	 * Returns whether a delivery is under way on the current thread and not claimed yet, so that the run of a
	 * listener method starting now would observe its waits.
	 * @return {@code true} if a delivery is under way and unclaimed
	 */
	public static boolean isUnclaimed() {
		Delivery delivery = current.get();
		return delivery != null && delivery.open && !delivery.claimed;
	}

	private static final class Delivery {

		boolean open;

		boolean claimed;

		long[] enqueued = new long[1];

		int count;

		RedeliveryRule redelivery = Redelivery.UNKNOWN;

		void add(long epochMillis) {
			if (this.count == this.enqueued.length) {
				this.enqueued = Arrays.copyOf(this.enqueued, this.count * 2);
			}
			this.enqueued[this.count++] = epochMillis;
		}

	}

}
