package io.github.jobmetrics.micrometer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two workers pass one job's run between them, as two threads of a pool pass the work of a queue: one starts a run,
 * ends it, then the other starts the next, so that never more than one run is in flight. A reader counts the runs in
 * flight ({@code job.inflight}) and visits them (a snapshot) without pause, which contends on the stripes and splits
 * the job into all it can have, so that the workers' runs fall in different stripes. A read that took the stripes in
 * turn could count one worker's run in one stripe and then the other's next run in another: two runs in flight where
 * there never were two. No read may see more than one. (Before reads locked every stripe at once, this failed within
 * its two seconds on a 2-core machine, every time of three.)
 * <p>
 * The normal suite runs it for 2 seconds; {@code -Djobmetrics.stress.seconds=600} runs it for longer.
 */
class InFlightCountStressTests {

	private static final int READERS = 1;

	private static final long SECONDS = Long.getLong("jobmetrics.stress.seconds", 2);

	@Test
	void noReadSeesMoreRunsInFlightThanThereEverWere() throws Exception {
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		JobMeters meters = new JobMeters(registry, "job", "none", JobMeterSettings.defaults(),
				new LabelLimits(registry, JobMeterSettings.defaults()));
		InFlightRuns inFlight = new InFlightRuns(Clock.SYSTEM);
		ExecutorService executor = Executors.newFixedThreadPool(2 + READERS);
		CountDownLatch go = new CountDownLatch(1);
		AtomicBoolean working = new AtomicBoolean(true);
		AtomicInteger turn = new AtomicInteger();
		try {
			List<Future<long[]>> readers = new ArrayList<>();
			for (int i = 0; i < READERS; i++) {
				readers.add(executor.submit(() -> read(inFlight, turn, go, working)));
			}
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
			List<Future<Long>> workers = new ArrayList<>();
			for (int i = 0; i < 2; i++) {
				int self = i;
				workers.add(executor.submit(() -> {
					go.await();
					long runs = 0;
					while (runs % 1000 != 0 || System.nanoTime() - deadline < 0) {
						while (turn.get() != self) {
							// Two cores may run the readers and this worker's peer: let them.
							Thread.yield();
						}
						TrackedRun run = inFlight.start(meters, true);
						// A run of a few microseconds, so that a read finds it in flight more often than not.
						for (long end = System.nanoTime() + 2_000; System.nanoTime() - end < 0;) {
							Thread.onSpinWait();
						}
						inFlight.remove(run, InFlightRuns.SUCCESS);
						runs++;
						turn.set(1 - self);
					}
					return runs;
				}));
			}
			go.countDown();
			long runs = 0;
			for (Future<Long> worker : workers) {
				runs += worker.get(SECONDS + 300, TimeUnit.SECONDS);
			}
			working.set(false);
			for (Future<long[]> reader : readers) {
				long[] result = reader.get(1, TimeUnit.MINUTES);
				assertThat(result[0]).as("reads").isGreaterThan(1000);
				assertThat(result[1]).as("reads that counted more than one run in flight").isZero();
			}
			assertThat(inFlight.stripes()).as("stripes of the job").isGreaterThan(1);
			assertThat(inFlight.count()).isZero();
			assertThat(inFlight.successes()).isEqualTo(runs);
		}
		finally {
			executor.shutdownNow();
		}
	}

	// Every other read counts, the others visit: the gauge and a snapshot's runs in flight. A visit waits at each run
	// for the run to pass to the other worker, as a slow visit may: if the visit went on to other stripes before all
	// were read, it could then find the other worker's run as well.
	private static long[] read(InFlightRuns inFlight, AtomicInteger turn, CountDownLatch go, AtomicBoolean working)
			throws InterruptedException {
		go.await();
		long reads = 0;
		long over = 0;
		int[] visited = new int[1];
		while (working.get()) {
			int count;
			if (reads % 2 == 0) {
				count = inFlight.count();
			}
			else {
				visited[0] = 0;
				inFlight.forEach((run) -> {
					visited[0]++;
					int seen = turn.get();
					long until = System.nanoTime() + 20_000;
					while (turn.get() == seen && System.nanoTime() - until < 0) {
						Thread.onSpinWait();
					}
				});
				count = visited[0];
			}
			if (count > 1) {
				over++;
			}
			reads++;
		}
		return new long[] { reads, over };
	}

}
