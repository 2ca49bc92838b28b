package io.github.jobmetrics.micrometer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

import io.github.jobmetrics.internal.SpreadRun;
import io.micrometer.core.instrument.Clock;
import org.jspecify.annotations.Nullable;

/**
 * The runs of one job that are in progress, kept so that the job's worked time can be read at any instant.
 * <p>
 * Worked time at instant t is the sum of finished durations plus {@code t - start} for each working run in
 * flight, which is {@code base + working * t} with {@code base = finished - sum(starts)}. A start subtracts
 * its instant from {@code base}, an end adds its instant, so both and every read are O(1) in the runs in
 * flight, however many there are. A nested run (started inside the scope of another traced run on its thread)
 * is in flight, for the gauge and the oldest age, but not working: the enclosing run already counts its
 * thread, so it touches neither {@code base} nor {@code working}, and its worked time is 0 by construction.
 * <p>
 * The trade-off: the state is striped, in the spirit of {@code LongAdder}. Each {@link Stripe} keeps its own
 * {@code base}, {@code working}, {@code count}, latest instant and list of runs behind its own small lock; a
 * run starts in the stripe of its thread, remembers it, and ends there whatever thread ends it. So threads
 * running the same job at once do not queue on one lock (a convoy: a thread preempted while holding it stalls
 * every other), while a read, which is rare (a scrape), pays for it: it locks the stripes one after the other
 * and sums them. The runs in flight (their count, a visit) are read with every stripe locked at once: a run's
 * work can end in one stripe and go on in a run of another (the next run, on another thread), and a read that
 * took the stripes in turn could count both, more runs than were ever in flight together. There is one stripe
 * until a start finds its stripe's lock held; then the stripes double, up to twice the processors, so that a job run by one thread at a time stays one stripe and reads in one step.
 * Threads pick a stripe by their id (consecutive ids, as a pool's, fall apart); once the stripes are all there,
 * contention changes a salt mixed into the id, so that two threads whose ids pick one stripe do not share it for good.
 * <p>
 * Within a stripe, start, end and read hold its lock and use one instant inside it: a read sees a state and
 * an instant that belong together, so it never counts a run that has ended as still running, and no run is
 * counted twice, as a run belongs to exactly one stripe for its whole life.
 * <p>
 * Reads never go backwards. The monotonic clock may step back by a little between cores, so every instant a
 * stripe uses is clamped to the latest one it already used ({@code lastNow}). With {@code F(x) = base +
 * working * x}, a start at instant u turns {@code F} into {@code F + (x - u)} and an end into
 * {@code F - (x - u)}; neither changes {@code F(u)}, and {@code F} never falls as x grows. So a stripe's value
 * at each read is at least its value at the read before: its own values never decrease. A read takes the clock
 * once and reads every stripe at that instant, clamped to the stripe's {@code lastNow}. A read that begins
 * after another has returned reads each stripe after the other did, so each term is at least the other's term,
 * and it sees every stripe the other saw (stripes are only ever added, never moved); its sum is at least the
 * other's sum. Two reads that overlap have no order to keep. Durations are never negative for the same reason.
 * <p>
 * A skipped run ({@link #SKIPPED}, a run that a lock held elsewhere kept from doing any work) breaks that: its end
 * adds its start instant back to {@code base} rather than the end instant, taking out of {@code F} the time it was in
 * flight, so that it adds no worked time. A read while it was in flight may have seen that time already; so each
 * stripe also keeps the largest value it returned ({@code lastWorked}) and returns at least that. After a skip that
 * a read saw, the stripe's value holds still until the work of its other runs passes it: the counter never falls,
 * and the work it then does not show is at most the in-flight time of skipped runs that a read saw, which a lock
 * attempt keeps to milliseconds.
 * <p>
 * {@code base} and {@code working * t} may overflow a {@code long} on their own; their sum is the true worked
 * time of the stripe, which fits, as does the sum over stripes, and two's complement arithmetic gives it
 * exactly.
 * <p>
 * When it is given bucket bounds, each stripe also counts the duration histogram of its finished runs (per bucket, the
 * sum and a recent maximum), in the same step as their results, so that recording a duration costs no update of a
 * counter that other threads write, and a read sums the stripes as it does for worked time.
 * <p>
 * In each stripe runs are linked in start order (each start takes the clock under the stripe's lock), so the
 * oldest run of a stripe is the head of its list, the oldest run in flight is the oldest of those heads, and
 * unlinking an ending run is O(1).
 */
final class InFlightRuns {

	// Stripes beyond the threads that can run at once only cost memory and read time.
	private static final int MAX_STRIPES = Math
		.min(64, Integer.highestOneBit(Math.max(1, Runtime.getRuntime().availableProcessors() * 2 - 1)) << 1);

	static final long NO_SUCCESS = Long.MIN_VALUE;

	// How a run ended, for the count of finished runs by result that each stripe keeps.
	static final int SUCCESS = 0;

	static final int FAILURE = 1;

	static final int RETRY = 2;

	static final int CANCELLED = 3;

	// A run that did no work (JobRun.skipped()): it leaves the runs in flight and is counted nowhere, and takes back
	// the worked time it added while in flight.
	static final int SKIPPED = 4;

	private static final long MILLISECOND = 1_000_000;

	// The window of the maximum duration: one minute, so that it covers the last one to two minutes, as
	// Micrometer's maximum covers about the last two (its default expiry).
	static final long MAX_WINDOW = 60_000 * MILLISECOND;

	private final Clock clock;

	// The upper bounds of the duration histogram that the stripes count, in nanoseconds, ascending; null when the
	// durations are recorded elsewhere (a Micrometer timer) and the stripes keep no histogram.
	private final long @Nullable [] bounds;

	// Only replaced by a larger copy that keeps every stripe at its index, so that a later read sees every stripe
	// an earlier one saw, and no run ever changes stripe.
	private volatile Stripe[] stripes;

	// Mixed into the thread id that picks a stripe; changed on contention once the stripes are all there (index).
	// A lost update only means one change fewer.
	private volatile int salt;

	InFlightRuns(Clock clock) {
		this(clock, null);
	}

	/**
	 * @param bounds the upper bounds of the duration histogram the stripes count, in nanoseconds, ascending; or
	 * {@code null} for none
	 */
	InFlightRuns(Clock clock, long @Nullable [] bounds) {
		this.clock = clock;
		this.bounds = bounds;
		this.stripes = new Stripe[] { new Stripe(bounds, clock.monotonicTime()) };
	}

	/**
	 * Starts a run in the stripe of the current thread.
	 */
	TrackedRun start(JobMeters meters, boolean working) {
		Stripe[] stripes = this.stripes;
		Stripe stripe = stripes[index(Thread.currentThread().getId(), this.salt) & (stripes.length - 1)];
		TrackedRun run = new TrackedRun(meters, working, stripe);
		if (!stripe.tryLock()) {
			// Contention: more stripes for the starts to come, or, once there are as many as can help, other
			// stripes for the threads; this start waits its turn here.
			if (!grow(stripes)) {
				this.salt++;
			}
			stripe.lock();
		}
		try {
			stripe.add(run, this.clock);
		}
		finally {
			stripe.unlock();
		}
		return run;
	}

	// A thread id is a field read and keeps a pool's threads apart: consecutive ids fall in different stripes. But
	// two threads whose ids differ by a multiple of the stripes would share one for good, so contention with every
	// stripe in place changes the salt, which scatters the threads over the stripes anew (a run stays in the stripe
	// it started in, so this moves only the starts to come).
	static int index(long threadId, int salt) {
		if (salt == 0) {
			return (int) threadId;
		}
		long hash = (threadId + salt) * 0x9E3779B97F4A7C15L;
		return (int) (hash ^ (hash >>> 32));
	}

	// Returns whether the stripes are more than seen (grown by this thread or another).
	private boolean grow(Stripe[] seen) {
		if (seen.length >= MAX_STRIPES) {
			return false;
		}
		synchronized (this) {
			if (this.stripes != seen) {
				return true;
			}
			Stripe[] grown = Arrays.copyOf(seen, seen.length * 2);
			long now = this.clock.monotonicTime();
			for (int i = seen.length; i < grown.length; i++) {
				grown[i] = new Stripe(this.bounds, now);
			}
			this.stripes = grown;
			return true;
		}
	}

	/**
	 * Removes the run, counts it as finished with its result, and returns its duration, or -1 if it had already
	 * been removed (then it counts nothing).
	 * @param result how the run ended: {@link #SUCCESS}, {@link #FAILURE}, {@link #RETRY}, {@link #CANCELLED} or
	 * {@link #SKIPPED}
	 */
	long remove(TrackedRun run, int result) {
		Stripe stripe = run.stripe;
		stripe.lock();
		try {
			return stripe.remove(run, result, this.clock, this.bounds);
		}
		finally {
			stripe.unlock();
		}
	}

	long workedNanos() {
		Stripe[] stripes = this.stripes;
		long instant = this.clock.monotonicTime();
		long worked = 0;
		for (Stripe stripe : stripes) {
			stripe.lock();
			try {
				worked += stripe.workedNanos(instant);
			}
			finally {
				stripe.unlock();
			}
		}
		return worked;
	}

	double workedSeconds() {
		return workedNanos() / 1e9;
	}

	/**
	 * Returns the instant (on the clock's monotonic time) at which the last run ended, or {@link Long#MIN_VALUE}
	 * if none has: the latest of the stripes', each written under the lock its end takes anyway.
	 */
	long lastEndNanos() {
		return latest((stripe) -> stripe.lastEndNanos);
	}

	// Under every stripe's lock at once (see the class comment).
	int count() {
		Stripe[] stripes = lockAll();
		try {
			int count = 0;
			for (Stripe stripe : stripes) {
				count += stripe.count;
			}
			return count;
		}
		finally {
			unlockAll(stripes);
		}
	}

	// Locks every stripe, in the order of the array, and returns them; no other path holds two stripe locks, so no
	// thread can wait for one this holds while holding one this waits for. If the stripes grew meanwhile, it starts
	// over, so that the stripes it returns are all the job had at an instant at which it held all their locks: a read
	// under them sees the runs in flight of one instant.
	private Stripe[] lockAll() {
		while (true) {
			Stripe[] stripes = this.stripes;
			for (Stripe stripe : stripes) {
				stripe.lock();
			}
			if (this.stripes == stripes) {
				return stripes;
			}
			unlockAll(stripes);
		}
	}

	private static void unlockAll(Stripe[] stripes) {
		for (Stripe stripe : stripes) {
			stripe.unlock();
		}
	}

	/**
	 * Visits the runs in flight, stripe by stripe and oldest first within a stripe, and returns the instant of
	 * the visit on the monotonic clock (to compute each run's age from its {@code startNanos}; no visited run
	 * started after it). The runs of every stripe are copied with all the stripes' locks held, so that the visit
	 * sees the runs in flight at one instant, and the action runs after they are released, so that a slow action (a
	 * walk of 10,000 runs for {@code /actuator/jobs}) never holds up a start or an end: the action may therefore see
	 * a run that has ended since the copy. Only what never changes once a run is linked may be read from it ({@code startNanos}, {@code threadName}), which the lock's acquisition makes visible.
	 */
	long forEach(Consumer<? super TrackedRun> action) {
		TrackedRun[][] runs;
		// Read before the locks are taken, to hold them no longer than the copies take; each stripe's latest instant
		// raises it, so that no visited run started after it.
		long instant = this.clock.monotonicTime();
		long latest = instant;
		Stripe[] stripes = lockAll();
		try {
			runs = new TrackedRun[stripes.length][];
			for (int s = 0; s < stripes.length; s++) {
				Stripe stripe = stripes[s];
				// O(runs in flight) on the reader's thread, but only reference copies while the locks are held.
				TrackedRun[] own = new TrackedRun[stripe.count];
				int i = 0;
				for (TrackedRun run = stripe.oldest; run != null; run = run.next) {
					own[i++] = run;
				}
				runs[s] = own;
				latest = Math.max(latest, stripe.now(instant));
			}
		}
		finally {
			unlockAll(stripes);
		}
		for (TrackedRun[] own : runs) {
			for (TrackedRun run : own) {
				action.accept(run);
			}
		}
		return latest;
	}

	double oldestAgeSeconds() {
		Stripe[] stripes = this.stripes;
		long instant = this.clock.monotonicTime();
		long age = 0;
		for (Stripe stripe : stripes) {
			stripe.lock();
			try {
				TrackedRun oldest = stripe.oldest;
				if (oldest != null) {
					age = Math.max(age, stripe.now(instant) - oldest.startNanos);
				}
			}
			finally {
				stripe.unlock();
			}
		}
		return age / 1e9;
	}

	// Finished runs by result, over all stripes. None ever decreases: each stripe's count only grows, under its
	// lock, and stripes are never removed.
	long successes() {
		return sum((stripe) -> stripe.successes);
	}

	long failures() {
		return sum((stripe) -> stripe.failures);
	}

	long retries() {
		return sum((stripe) -> stripe.retries);
	}

	long cancellations() {
		return sum((stripe) -> stripe.cancellations);
	}

	/**
	 * Returns the wall-clock time of the latest success, in milliseconds, or {@link #NO_SUCCESS}.
	 */
	long lastSuccessWallMillis() {
		return latest((stripe) -> stripe.lastSuccessWallMillis);
	}

	/**
	 * Reads the duration histogram the stripes count: each stripe under its lock, summed. Null if they count none.
	 * <p>
	 * Every count only grows, as the counts by result do; a stripe's counts and the counts by result move in the
	 * same step, so the histogram's total equals the sum of the counts by result of the same stripes.
	 */
	@Nullable DurationHistogram durationHistogram() {
		long[] bounds = this.bounds;
		if (bounds == null) {
			return null;
		}
		Stripe[] stripes = this.stripes;
		long instant = this.clock.monotonicTime();
		long[] counts = new long[bounds.length + 1];
		long sum = 0;
		long max = 0;
		for (Stripe stripe : stripes) {
			stripe.lock();
			try {
				long[] own = stripe.bucketCounts;
				for (int i = 0; i < counts.length; i++) {
					counts[i] += own[i];
				}
				sum += stripe.durationSum;
				max = Math.max(max, stripe.recentMax(stripe.now(instant)));
			}
			finally {
				stripe.unlock();
			}
		}
		return new DurationHistogram(bounds, counts, sum, max);
	}

	/**
	 * A read of the duration histogram: per bucket (not cumulative; the last is above every bound) and in total.
	 * @param bounds the upper bounds in nanoseconds, the array the stripes count with (not to be changed)
	 * @param counts the finished runs whose duration is at most each bound and above the one before
	 * @param sumNanos the sum of their durations
	 * @param maxNanos the longest of those that ended in the last one to two minutes, 0 if none did
	 */
	record DurationHistogram(long[] bounds, long[] counts, long sumNanos, long maxNanos) {
	}

	// The sum of a field over the stripes, each read under its stripe's lock.
	private long sum(ToLongFunction<StripeState> field) {
		long sum = 0;
		for (Stripe stripe : this.stripes) {
			stripe.lock();
			try {
				sum += field.applyAsLong(stripe);
			}
			finally {
				stripe.unlock();
			}
		}
		return sum;
	}

	// The largest value of a field over the stripes, each read under its stripe's lock; Long.MIN_VALUE (which is
	// also NO_SUCCESS) if no stripe has set it.
	private long latest(ToLongFunction<StripeState> field) {
		long latest = Long.MIN_VALUE;
		for (Stripe stripe : this.stripes) {
			stripe.lock();
			try {
				latest = Math.max(latest, field.applyAsLong(stripe));
			}
			finally {
				stripe.unlock();
			}
		}
		return latest;
	}

	int stripes() {
		return this.stripes.length;
	}

	/**
	 * Counts the current thread as working in this job from now until the returned piece {@link #endPiece ends}: the
	 * work of a thread that is no run of its own but works for a run in flight on another thread (an executor's thread
	 * that processes a chunk of a multi-threaded Spring Batch step). In the stripe of the current thread, as a start
	 * would be, but it touches only {@code base} and {@code working}: no run in flight, no result, no duration.
	 */
	Piece startPiece() {
		Stripe[] stripes = this.stripes;
		Stripe stripe = stripes[index(Thread.currentThread().getId(), this.salt) & (stripes.length - 1)];
		Piece piece = new Piece(this, stripe);
		if (!stripe.tryLock()) {
			if (!grow(stripes)) {
				this.salt++;
			}
			stripe.lock();
		}
		try {
			stripe.base -= stripe.now(this.clock.monotonicTime());
			stripe.working++;
		}
		finally {
			stripe.unlock();
		}
		return piece;
	}

	/**
	 * Ends a piece of work: from now its thread counts no more. Once; a second end does nothing.
	 */
	void endPiece(Piece piece) {
		Stripe stripe = piece.stripe;
		stripe.lock();
		try {
			if (!piece.ended) {
				piece.ended = true;
				stripe.base += stripe.now(this.clock.monotonicTime());
				stripe.working--;
			}
		}
		finally {
			stripe.unlock();
		}
	}

	/**
	 * Stops the given run counting its thread, as if it were nested from now on: its worked time so far stays, and
	 * it stays in flight until it ends. For a run whose work has moved to other threads, which count it in pieces.
	 * @return the instant on the monotonic clock from which it no longer counts, or {@link Long#MIN_VALUE} if it was
	 * not counting its thread (nested, stopped already, or ended)
	 */
	long stopWorking(TrackedRun run) {
		Stripe stripe = run.stripe;
		stripe.lock();
		try {
			if (run.ended || !run.working) {
				return Long.MIN_VALUE;
			}
			// Never resumed: so that a skipped run's end, which takes back its time since its start, only does so for
			// a run that counted all of it (a stopped run is no longer working there, and takes nothing back).
			run.working = false;
			long now = stripe.now(this.clock.monotonicTime());
			stripe.base += now;
			stripe.working--;
			return now;
		}
		finally {
			stripe.unlock();
		}
	}

	/**
	 * Adds the time from the given instant to now to the worked time, in the stripe of the current thread: work
	 * known only once it is over (a read whose end may never be reported). A read before this one did not show it;
	 * the value only rises.
	 * @param since an instant of the monotonic clock, from {@link #instant()} or {@link #stopWorking}
	 */
	void addWorked(long since) {
		Stripe[] stripes = this.stripes;
		Stripe stripe = stripes[index(Thread.currentThread().getId(), this.salt) & (stripes.length - 1)];
		stripe.lock();
		try {
			stripe.base += Math.max(0, stripe.now(this.clock.monotonicTime()) - since);
		}
		finally {
			stripe.unlock();
		}
	}

	/**
	 * Returns the current instant of the monotonic clock the stripes use.
	 */
	long instant() {
		return this.clock.monotonicTime();
	}

	/**
	 * A thread's piece of work for a run in flight elsewhere ({@link #startPiece()}): it remembers its stripe, and
	 * whether it has ended, guarded by that stripe's lock.
	 */
	static final class Piece implements SpreadRun.Piece {

		private final InFlightRuns runs;

		final Stripe stripe;

		boolean ended;

		Piece(InFlightRuns runs, Stripe stripe) {
			this.runs = runs;
			this.stripe = stripe;
		}

		@Override
		public void end() {
			this.runs.endPiece(this);
		}

	}

	/**
	 * Padding ahead of a stripe's fields: stripes are allocated together, and threads that write two stripes on
	 * one cache line would slow each other down as if they shared a lock. 128 bytes on each side, as the JDK's
	 * {@code @Contended} pads, because processors may fetch cache lines in adjacent pairs.
	 */
	@SuppressWarnings("unused")
	abstract static class PaddingBefore {

		// Fills the four bytes after a compressed object header. Left empty, the JVM puts a subclass's int there
		// (JDK 15 and later fill such gaps), ahead of the padding: the stripe's lock, on the cache line of the
		// object allocated before the stripe, which is the array of stripes that every start reads. That cost each
		// run on two threads twice what it costs on one.
		int p0;

		long p1, p2, p3, p4, p5, p6, p7, p8, p9, p10, p11, p12, p13, p14, p15, p16;

	}

	/**
	 * One stripe's state, guarded by its lock.
	 */
	abstract static class StripeState extends PaddingBefore {

		private static final VarHandle LOCKED;

		static {
			try {
				LOCKED = MethodHandles.lookup().findVarHandle(StripeState.class, "locked", int.class);
			}
			catch (ReflectiveOperationException ex) {
				throw new ExceptionInInitializerError(ex);
			}
		}

		// A lock of our own rather than a monitor: one compare-and-set to take it and a plain store to release it,
		// where a monitor costs a compare-and-set each way. Held for a few field updates and one clock read (or
		// forEach's copy of the references to the runs), so a waiter spins briefly, then yields to the holder.
		private volatile int locked;

		long base;

		// Runs in flight, nested or not: the gauge.
		int count;

		// Runs in flight that add to worked time: those not nested in another traced run on their thread.
		int working;

		// The latest instant used under the lock. System.nanoTime() may step back by a little between cores or
		// in a virtual machine; taking the maximum keeps every read at or above the one before it, and every
		// duration non-negative, at the cost of one comparison.
		long lastNow = Long.MIN_VALUE;

		// The wall clock is read for a success at most once per millisecond of monotonic time per stripe: the
		// value has the wall clock's millisecond resolution anyway, and a wall-clock read per run would cost
		// more than everything else the lock guards.
		long lastSuccessWallMillis = NO_SUCCESS;

		// The instant the last run of this stripe ended, for a graceful shutdown to know whether a scraper has yet
		// to read it.
		long lastEndNanos = Long.MIN_VALUE;

		long wallReadAt;

		// The largest worked time a read returned: the floor of every later read, which a skipped run's end would
		// otherwise take below it.
		long lastWorked = Long.MIN_VALUE;

		// Finished runs by result. Counted here, under the lock the end takes anyway, rather than in a Counter of
		// their own, which would cost each run one more contended atomic update. A run leaves the in-flight count
		// and enters the count of its result in one step.
		long successes;

		long failures;

		long retries;

		long cancellations;

		@Nullable TrackedRun oldest;

		@Nullable TrackedRun newest;

		// The duration histogram, when the stripes count it: finished runs per bucket (not cumulative; the last
		// is above every bound), and the sum of their durations. Under the lock the end takes anyway, as the counts
		// by result are, so that recording a duration costs no contended atomic update and no clock read.
		final long @Nullable [] bucketCounts;

		long durationSum;

		// The longest duration of the runs that ended in the current window of MAX_WINDOW and in the window before:
		// a maximum over the last one to two windows, rotated on the instants the stripe takes anyway.
		long maxCurrent;

		long maxPrevious;

		long maxWindowStart;

		StripeState(long @Nullable [] bounds, long now) {
			this.bucketCounts = (bounds != null) ? new long[bounds.length + 1] : null;
			this.maxWindowStart = now;
		}

		final boolean tryLock() {
			return LOCKED.compareAndSet(this, 0, 1);
		}

		final void lock() {
			for (int spins = 0; !tryLock(); spins++) {
				if (spins < 100) {
					Thread.onSpinWait();
				}
				else {
					Thread.yield();
				}
			}
		}

		final void unlock() {
			LOCKED.setRelease(this, 0);
		}

		final long now(long instant) {
			long now = Math.max(instant, this.lastNow);
			this.lastNow = now;
			return now;
		}

		final void add(TrackedRun run, Clock clock) {
			long now = now(clock.monotonicTime());
			run.startNanos = now;
			if (run.working) {
				this.base -= now;
				this.working++;
			}
			this.count++;
			run.previous = this.newest;
			if (this.newest != null) {
				this.newest.next = run;
			}
			else {
				this.oldest = run;
			}
			this.newest = run;
		}

		final long remove(TrackedRun run, int result, Clock clock, long @Nullable [] bounds) {
			if (run.ended) {
				return -1;
			}
			run.ended = true;
			long now = now(clock.monotonicTime());
			this.lastEndNanos = now;
			if (run.working) {
				this.base += (result != SKIPPED) ? now : run.startNanos;
				this.working--;
			}
			this.count--;
			if (run.previous != null) {
				run.previous.next = run.next;
			}
			else {
				this.oldest = run.next;
			}
			if (run.next != null) {
				run.next.previous = run.previous;
			}
			else {
				this.newest = run.previous;
			}
			run.previous = null;
			run.next = null;
			switch (result) {
				case SUCCESS -> this.successes++;
				case FAILURE -> this.failures++;
				case RETRY -> this.retries++;
				case CANCELLED -> this.cancellations++;
				default -> {
					// SKIPPED: counted nowhere.
				}
			}
			if (result == SUCCESS
					&& (this.lastSuccessWallMillis == NO_SUCCESS || now - this.wallReadAt >= MILLISECOND)) {
				this.lastSuccessWallMillis = clock.wallTime();
				this.wallReadAt = now;
			}
			long duration = now - run.startNanos;
			long[] counts = this.bucketCounts;
			if (counts != null && bounds != null && result != SKIPPED) {
				// Upper bounds are inclusive (Prometheus' le); a linear scan of a few ascending longs beats a
				// binary search at the sizes buckets have.
				int bucket = 0;
				while (bucket < bounds.length && duration > bounds[bucket]) {
					bucket++;
				}
				counts[bucket]++;
				this.durationSum += duration;
				recentMax(now);
				this.maxCurrent = Math.max(this.maxCurrent, duration);
			}
			return duration;
		}

		// Rotates the windows of the maximum to the instant, and returns the maximum over the current and the
		// previous window.
		final long recentMax(long now) {
			long elapsed = now - this.maxWindowStart;
			if (elapsed >= MAX_WINDOW) {
				this.maxPrevious = (elapsed < 2 * MAX_WINDOW) ? this.maxCurrent : 0;
				this.maxCurrent = 0;
				this.maxWindowStart += elapsed - elapsed % MAX_WINDOW;
			}
			return Math.max(this.maxCurrent, this.maxPrevious);
		}

		final long workedNanos(long instant) {
			long worked = this.base + this.working * now(instant);
			if (worked < this.lastWorked) {
				return this.lastWorked;
			}
			this.lastWorked = worked;
			return worked;
		}

	}

	/**
	 * A stripe: its state between two paddings.
	 */
	@SuppressWarnings("unused")
	static final class Stripe extends StripeState {

		Stripe(long @Nullable [] bounds, long now) {
			super(bounds, now);
		}

		long q1, q2, q3, q4, q5, q6, q7, q8, q9, q10, q11, q12, q13, q14, q15, q16;

	}

}
