package io.github.jobmetrics.micrometer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;

import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The striped state of one job's runs in flight, on a {@link MockClock}: a job splits into stripes when a start
 * finds its stripe busy, and a run ends in the stripe it started in, whatever thread ends it, so that the sum
 * of the stripes, their count and the oldest run stay exact.
 */
class InFlightRunsTests {

	private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

	private final MockClock clock = new MockClock();

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry(SimpleConfig.DEFAULT, this.clock);

	private final JobMeters meters = new JobMeters(this.registry, "job", "none", JobMeterSettings.defaults(),
			new LabelLimits(this.registry, JobMeterSettings.defaults()));

	private final InFlightRuns inFlight = new InFlightRuns(this.clock);

	// Two threads whose ids pick the same one of four stripes (20 and 24, as JMH's workers once did) share it while the
	// salt is 0; the first salts that contention sets scatter them, and consecutive ids stay apart without one.
	@Test
	void aSaltScattersThreadsWhoseIdsShareAStripe() {
		int mask = 3;
		assertThat(InFlightRuns.index(20, 0) & mask).isEqualTo(InFlightRuns.index(24, 0) & mask);
		assertThat(IntStream.rangeClosed(1, 4)
			.filter((salt) -> (InFlightRuns.index(20, salt) & mask) != (InFlightRuns.index(24, salt) & mask)))
			.isNotEmpty();
		assertThat(IntStream.range(0, 4).map((id) -> InFlightRuns.index(id, 0) & mask).distinct()).hasSize(4);
	}

	@Test
	void aRunEndsInTheStripeItStartedInWhicheverThreadEndsIt() throws Exception {
		TrackedRun first = this.inFlight.start(this.meters, true);
		assertThat(this.inFlight.stripes()).isOne();
		// A start that finds its stripe busy splits the job, then waits its turn in the stripe it chose.
		first.stripe.lock();
		CompletableFuture<TrackedRun> waiting = CompletableFuture.supplyAsync(() -> this.inFlight.start(this.meters, true));
		await().atMost(Duration.ofSeconds(10)).until(() -> this.inFlight.stripes() > 1);
		this.clock.add(Duration.ofSeconds(5));
		first.stripe.unlock();
		TrackedRun second = waiting.get(10, TimeUnit.SECONDS);
		assertThat(second.stripe).isSameAs(first.stripe);
		this.clock.add(Duration.ofSeconds(10));
		TrackedRun third = onThreadOfAnotherStripe(() -> this.inFlight.start(this.meters, true));
		assertThat(third.stripe).isNotSameAs(first.stripe);
		this.clock.add(Duration.ofSeconds(10));
		assertThat(this.inFlight.count()).isEqualTo(3);
		assertThat(this.inFlight.oldestAgeSeconds()).isEqualTo(25);
		assertThat(this.inFlight.workedNanos()).isEqualTo((25 + 20 + 10) * SECOND);

		// The first run ends on a thread of the other stripe: its own stripe must let it go.
		assertThat(onThreadOfAnotherStripe(() -> this.inFlight.remove(first, InFlightRuns.SUCCESS)))
			.isEqualTo(25 * SECOND);
		assertThat(this.inFlight.count()).isEqualTo(2);
		assertThat(this.inFlight.oldestAgeSeconds()).isEqualTo(20);
		assertThat(this.inFlight.remove(first, InFlightRuns.SUCCESS)).as("a second end of the same run")
			.isEqualTo(-1);
		this.clock.add(Duration.ofSeconds(5));
		assertThat(this.inFlight.workedNanos()).isEqualTo((25 + 25 + 15) * SECOND);

		assertThat(this.inFlight.remove(second, InFlightRuns.FAILURE)).isEqualTo(25 * SECOND);
		assertThat(this.inFlight.oldestAgeSeconds()).isEqualTo(15);
		assertThat(onThreadOfAnotherStripe(() -> this.inFlight.remove(third, InFlightRuns.SUCCESS)))
			.isEqualTo(15 * SECOND);
		assertThat(this.inFlight.count()).isZero();
		assertThat(this.inFlight.oldestAgeSeconds()).isZero();
		this.clock.add(Duration.ofSeconds(5));
		assertThat(this.inFlight.workedNanos()).isEqualTo((25 + 25 + 15) * SECOND);
		assertThat(this.inFlight.successes()).as("the second end of the first run counts nothing")
			.isEqualTo(2);
		assertThat(this.inFlight.failures()).isEqualTo(1);
		assertThat(this.inFlight.retries()).isZero();
		assertThat(this.inFlight.cancellations()).isZero();
	}

	@Test
	void visitsEveryRunInFlightOfEveryStripeOnceAndReturnsAnInstantNoneStartedAfter() throws Exception {
		TrackedRun first = this.inFlight.start(this.meters, true);
		first.stripe.lock();
		CompletableFuture<TrackedRun> waiting = CompletableFuture.supplyAsync(() -> this.inFlight.start(this.meters, false));
		await().atMost(Duration.ofSeconds(10)).until(() -> this.inFlight.stripes() > 1);
		first.stripe.unlock();
		TrackedRun nested = waiting.get(10, TimeUnit.SECONDS);
		this.clock.add(Duration.ofSeconds(3));
		TrackedRun other = onThreadOfAnotherStripe(() -> this.inFlight.start(this.meters, true));
		this.clock.add(Duration.ofSeconds(4));
		List<TrackedRun> visited = new ArrayList<>();
		long instant = this.inFlight.forEach(visited::add);
		assertThat(visited).containsExactlyInAnyOrder(first, nested, other);
		assertThat(visited).allSatisfy((run) -> assertThat(instant - run.startNanos).isNotNegative());
		assertThat(instant - other.startNanos).isEqualTo(4 * SECOND);
		// The nested run is in flight but adds no worked time.
		assertThat(this.inFlight.workedNanos()).isEqualTo((7 + 4) * SECOND);
	}

	@Test
	void aStartIsNotBlockedWhileTheActionOfAVisitIsInProgress() throws Exception {
		TrackedRun first = this.inFlight.start(this.meters, true);
		TrackedRun second = this.inFlight.start(this.meters, true);
		CountDownLatch inAction = new CountDownLatch(1);
		CountDownLatch released = new CountDownLatch(1);
		List<TrackedRun> visited = new CopyOnWriteArrayList<>();
		// Threads of its own: the common pool may have a single worker, which the blocked action would occupy.
		ExecutorService threads = Executors.newFixedThreadPool(3);
		CompletableFuture<Long> visit = CompletableFuture.supplyAsync(() -> this.inFlight.forEach((run) -> {
			visited.add(run);
			inAction.countDown();
			try {
				released.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}), threads);
		try {
			assertThat(inAction.await(10, TimeUnit.SECONDS)).isTrue();
			// One stripe: this start and the visit share it, so a lock held for the action would hold the start.
			assertThat(this.inFlight.stripes()).isOne();
			CompletableFuture<TrackedRun> start = CompletableFuture.supplyAsync(() -> this.inFlight.start(this.meters, true),
					threads);
			await().atMost(Duration.ofSeconds(10)).until(start::isDone);
			CompletableFuture<Long> end = CompletableFuture.supplyAsync(() -> this.inFlight.remove(first, InFlightRuns.SUCCESS),
					threads);
			await().atMost(Duration.ofSeconds(10)).until(end::isDone);
			assertThat(this.inFlight.count()).isEqualTo(2);
			assertThat(this.inFlight.stripes()).isOne();
		}
		finally {
			released.countDown();
			threads.shutdown();
		}
		visit.get(10, TimeUnit.SECONDS);
		// The visit walks the runs that were in flight when it took its stripe's copy, the ended one included.
		assertThat(visited).containsExactly(first, second);
	}

	// A multi-threaded Batch step: its run stops counting its thread, and the threads that work for it count in pieces;
	// neither is a run, and the counts, the gauge and the run's duration are the run's alone.
	@Test
	void aRunThatStopsCountingItsThreadKeepsItsWorkAndPiecesCountTheirThreadsOnly() throws Exception {
		TrackedRun run = this.inFlight.start(this.meters, true);
		this.clock.add(Duration.ofSeconds(2));
		long stoppedAt = this.inFlight.stopWorking(run);
		assertThat(stoppedAt).isEqualTo(this.clock.monotonicTime());
		// Stopped for good: a second stop does nothing.
		assertThat(this.inFlight.stopWorking(run)).isEqualTo(Long.MIN_VALUE);
		this.clock.add(Duration.ofSeconds(3));
		assertThat(this.inFlight.workedNanos()).isEqualTo(2 * SECOND);
		InFlightRuns.Piece here = this.inFlight.startPiece();
		InFlightRuns.Piece there = onAnotherThread(this.inFlight::startPiece);
		this.clock.add(Duration.ofSeconds(4));
		assertThat(this.inFlight.workedNanos()).isEqualTo((2 + 4 + 4) * SECOND);
		assertThat(this.inFlight.count()).isOne();
		// A piece ends once, on any thread.
		onAnotherThread(() -> {
			this.inFlight.endPiece(here);
			return null;
		});
		here.end();
		this.clock.add(Duration.ofSeconds(1));
		assertThat(this.inFlight.workedNanos()).isEqualTo((2 + 4 + 5) * SECOND);
		assertThat(this.inFlight.remove(run, InFlightRuns.SUCCESS)).isEqualTo(10 * SECOND);
		// Ended, the other piece counts no more: 2 s of the run's own, 4 s of one piece, 5 s of the other.
		there.end();
		this.clock.add(Duration.ofSeconds(1));
		assertThat(this.inFlight.workedNanos()).isEqualTo((2 + 4 + 5) * SECOND);
		assertThat(this.inFlight.count()).isZero();
		assertThat(this.inFlight.successes()).isOne();
		assertThat(this.inFlight.stopWorking(run)).isEqualTo(Long.MIN_VALUE);
	}

	@Test
	void aNestedRunHasNoThreadToStopCounting() {
		TrackedRun nested = this.inFlight.start(this.meters, false);
		this.clock.add(Duration.ofSeconds(2));
		assertThat(this.inFlight.stopWorking(nested)).isEqualTo(Long.MIN_VALUE);
		assertThat(this.inFlight.workedNanos()).isZero();
		this.inFlight.remove(nested, InFlightRuns.SUCCESS);
		assertThat(this.inFlight.workedNanos()).isZero();
	}

	// Work known at its end is added then: the value rises at that read, never falls, and an instant later than now
	// adds nothing.
	@Test
	void workAddedAtItsEndRaisesTheWorkedTimeOnce() {
		long from = this.inFlight.instant();
		this.clock.add(Duration.ofSeconds(3));
		assertThat(this.inFlight.workedNanos()).isZero();
		this.inFlight.addWorked(from);
		assertThat(this.inFlight.workedNanos()).isEqualTo(3 * SECOND);
		this.inFlight.addWorked(this.inFlight.instant() + SECOND);
		this.clock.add(Duration.ofSeconds(1));
		assertThat(this.inFlight.workedNanos()).isEqualTo(3 * SECOND);
	}

	// A stopped run that is then skipped takes back nothing: what it counted before the stop stays, and the other runs
	// of its stripe keep theirs.
	@Test
	void aStoppedRunThatIsSkippedTakesNothingBack() {
		TrackedRun other = this.inFlight.start(this.meters, true);
		TrackedRun run = this.inFlight.start(this.meters, true);
		this.clock.add(Duration.ofSeconds(2));
		this.inFlight.stopWorking(run);
		this.clock.add(Duration.ofSeconds(3));
		long before = this.inFlight.workedNanos();
		assertThat(before).isEqualTo((5 + 2) * SECOND);
		this.inFlight.remove(run, InFlightRuns.SKIPPED);
		assertThat(this.inFlight.workedNanos()).isEqualTo(before);
		this.clock.add(Duration.ofSeconds(1));
		assertThat(this.inFlight.workedNanos()).isEqualTo((6 + 2) * SECOND);
		this.inFlight.remove(other, InFlightRuns.SUCCESS);
	}

	// Runs the action on a new thread (with one stripe, every thread shares it).
	private static <T> T onAnotherThread(Callable<T> action)
			throws InterruptedException, ExecutionException, TimeoutException {
		FutureTask<T> task = new FutureTask<>(action);
		new Thread(task).start();
		return task.get(10, TimeUnit.SECONDS);
	}

	// Runs the action on a new thread whose id puts it in a stripe other than the first. Thread ids are consecutive,
	// so with two stripes or more one of the next few threads is such a thread; with one there is none to wait for.
	private <T> T onThreadOfAnotherStripe(Callable<T> action)
			throws InterruptedException, ExecutionException, TimeoutException {
		assertThat(this.inFlight.stripes()).as("stripes to choose another from").isGreaterThan(1);
		while (true) {
			FutureTask<T> task = new FutureTask<>(action);
			Thread thread = new Thread(task);
			if ((thread.getId() & (this.inFlight.stripes() - 1)) != 0) {
				thread.start();
				return task.get(10, TimeUnit.SECONDS);
			}
		}
	}

}
