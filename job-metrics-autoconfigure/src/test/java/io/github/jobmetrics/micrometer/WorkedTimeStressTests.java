package io.github.jobmetrics.micrometer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToDoubleFunction;

import io.github.jobmetrics.JobRun;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Workers, all running the same job, finish runs for a few seconds while readers read {@code job.worked},
 * {@code job.executions} and {@code job.inflight} without pause, on the real monotonic clock. No read of a
 * counter may ever be lower than the one before it on the same reader, the number of runs in flight never
 * leaves {@code [0, workers]}, and at the end the worked time must equal the sum of every run's duration, and
 * {@code job.duration} and {@code job.executions} (by result) must count every run once.
 * The workers make the job's state split into stripes, which the test checks, so every read sums several
 * stripes while runs start and end in them.
 * <p>
 * The truth does not come from the tracer: the clock remembers, per thread, the last instant it gave, and
 * the tracer reads it exactly once in {@code start} and once in {@code close}, on the worker's thread. So
 * each worker knows the exact start and end instants the tracer used and sums the durations itself.
 * <p>
 * The normal suite runs it for 3 seconds; {@code -Djobmetrics.stress.seconds=600} runs it for longer.
 */
class WorkedTimeStressTests {

	private static final int WORKERS = 4;

	private static final long SECONDS = Long.getLong("jobmetrics.stress.seconds", 3);

	private static final int READERS = 2;

	@Test
	void readsNeverDecreaseAndTheFinalValueIsTheSumOfAllRuns() throws Exception {
		RecordingClock clock = new RecordingClock();
		SimpleMeterRegistry registry = new SimpleMeterRegistry(SimpleConfig.DEFAULT, clock);
		MicrometerJobTracer tracer = new MicrometerJobTracer(registry);
		tracer.register("stress", null);
		// Readers call the counter's own function, as each scrape does. Not FunctionCounter.count(): Micrometer's
		// cumulative implementation stores every result in one shared field and reads it back, so with two
		// readers at once one may return the other's older value. That race is Micrometer's, not the tracer's.
		ToDoubleFunction<MicrometerJobTracer> worked = (job) -> job.workedSeconds("stress", null);
		Gauge inFlight = registry.get("job.inflight").gauge();
		ExecutorService executor = Executors.newFixedThreadPool(WORKERS + READERS);
		CountDownLatch go = new CountDownLatch(1);
		AtomicBoolean working = new AtomicBoolean(true);
		try {
			List<Future<long[]>> readers = new ArrayList<>();
			for (int i = 0; i < READERS; i++) {
				readers.add(executor.submit(() -> read(tracer, worked, inFlight, go, working)));
			}
			List<Future<long[]>> workers = new ArrayList<>();
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
			for (int i = 0; i < WORKERS; i++) {
				int index = i;
				workers.add(executor.submit(() -> work(tracer, clock, go, index, deadline)));
			}
			go.countDown();
			long expectedNanos = 0;
			long runs = 0;
			long failures = 0;
			for (Future<long[]> worker : workers) {
				long[] result = worker.get(SECONDS + 300, TimeUnit.SECONDS);
				expectedNanos += result[0];
				runs += result[1];
				failures += result[2];
			}
			working.set(false);
			long reads = 0;
			for (Future<long[]> reader : readers) {
				long[] result = reader.get(1, TimeUnit.MINUTES);
				assertThat(result[1]).as("reads that went backwards").isZero();
				assertThat(result[2]).as("reads of runs in flight outside [0, %d]", WORKERS).isZero();
				assertThat(result[3]).as("reads of finished runs that went backwards").isZero();
				reads += result[0];
			}
			assertThat(reads).isGreaterThan(1000);
			assertThat(tracer.stripes("stress", null)).as("stripes of the job").isGreaterThan(1);
			assertThat(registry.get("job.inflight").gauge().value()).isZero();
			assertThat(registry.get("job.duration").timer().count()).isEqualTo(runs);
			assertThat(tracer.snapshot(0).get(0).runsByResult()).containsEntry("success", runs - failures)
				.containsEntry("failure", failures)
				.containsEntry("retry", 0L)
				.containsEntry("cancelled", 0L);
			// Exact but for the rare instant at which a core's clock stepped back and the tracer kept the later
			// instant it had already used (a few nanoseconds each): 10 µs in all is far below any double count.
			assertThat(tracer.workedSeconds("stress", null) * 1e9).isCloseTo(expectedNanos,
					org.assertj.core.api.Assertions.within(10_000.0));
		}
		finally {
			executor.shutdownNow();
		}
	}

	private static long[] work(MicrometerJobTracer tracer, RecordingClock clock, CountDownLatch go, int index,
			long deadline) throws InterruptedException {
		go.await();
		long sum = 0;
		long runs = 0;
		long failures = 0;
		// The deadline is checked once per 1,000 runs, so that reading it weighs nothing beside the runs.
		while (runs % 1000 != 0 || System.nanoTime() - deadline < 0) {
			JobRun run = tracer.start("stress");
			long start = clock.lastOnThisThread();
			if ((runs + index) % 7 == 0) {
				run.failed(new IllegalStateException());
				failures++;
			}
			run.close();
			sum += clock.lastOnThisThread() - start;
			runs++;
		}
		return new long[] { sum, runs, failures };
	}

	private static long[] read(MicrometerJobTracer tracer, ToDoubleFunction<MicrometerJobTracer> worked,
			Gauge gauge, CountDownLatch go, AtomicBoolean working) throws InterruptedException {
		go.await();
		long reads = 0;
		long decreases = 0;
		long outOfRange = 0;
		long finishedDecreases = 0;
		double previous = worked.applyAsDouble(tracer);
		long previousFinished = 0;
		while (working.get()) {
			double current = worked.applyAsDouble(tracer);
			if (current < previous) {
				decreases++;
			}
			double inFlight = gauge.value();
			if (inFlight < 0 || inFlight > WORKERS) {
				outOfRange++;
			}
			previous = current;
			// Every 16th read, as a snapshot also walks the runs in flight.
			if (reads % 16 == 0) {
				long finished = 0;
				for (long count : tracer.snapshot(0).get(0).runsByResult().values()) {
					finished += count;
				}
				if (finished < previousFinished) {
					finishedDecreases++;
				}
				previousFinished = finished;
			}
			reads++;
		}
		return new long[] { reads, decreases, outOfRange, finishedDecreases };
	}

	/**
	 * The system's monotonic clock, remembering the last instant it gave to each thread.
	 */
	private static final class RecordingClock implements Clock {

		private final ThreadLocal<long[]> last = ThreadLocal.withInitial(() -> new long[1]);

		@Override
		public long wallTime() {
			return System.currentTimeMillis();
		}

		@Override
		public long monotonicTime() {
			long now = System.nanoTime();
			this.last.get()[0] = now;
			return now;
		}

		long lastOnThisThread() {
			return this.last.get()[0];
		}

	}

}
