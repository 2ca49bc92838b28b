package io.github.jobmetrics.heartbeat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link HeartbeatScheduler}.
 */
@ExtendWith(OutputCaptureExtension.class)
class HeartbeatSchedulerTests {

	static {
		// Logging starts before any test captures the console, so that each captures what is logged during it.
		org.apache.commons.logging.LogFactory.getLog(HeartbeatScheduler.class).isWarnEnabled();
	}

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final HeartbeatMeters meters = new HeartbeatMeters(this.registry, (queue) -> queue);

	@Test
	void aDestinationThatCannotBeSentToIsLoggedOnceAndCountsNoHeartbeat(CapturedOutput output) {
		AtomicInteger attempts = new AtomicInteger();
		HeartbeatDestination broken = destination("orders", () -> {
			attempts.incrementAndGet();
			throw new IllegalStateException("broker down");
		});
		HeartbeatScheduler scheduler = new HeartbeatScheduler(this.meters, Duration.ofSeconds(30), () -> List.of(broken));
		scheduler.start();
		scheduler.stop();
		scheduler.beat();
		scheduler.beat();
		assertThat(attempts).hasValueGreaterThanOrEqualTo(2);
		assertThat(output.getAll().split("cannot send heartbeats to 'orders'", -1)).hasSize(2);
		assertThat(this.registry.get("job.queue.heartbeats.sent").tag("queue", "orders").counter().count()).isZero();
	}

	@Test
	void aDestinationThatRecoversCountsOnlyTheHeartbeatsItTook() {
		AtomicInteger attempts = new AtomicInteger();
		HeartbeatDestination flaky = destination("orders", () -> {
			if (attempts.incrementAndGet() % 2 == 1) {
				throw new IllegalStateException("broker down");
			}
		});
		HeartbeatScheduler scheduler = new HeartbeatScheduler(this.meters, Duration.ofSeconds(30), () -> List.of(flaky));
		scheduler.beat();
		scheduler.beat();
		scheduler.beat();
		assertThat(this.registry.get("job.queue.heartbeats.sent").tag("queue", "orders").counter().count()).isOne();
	}

	@Test
	void stoppingDoesNotWaitForASendThatHangs() throws Exception {
		java.util.concurrent.CountDownLatch sending = new java.util.concurrent.CountDownLatch(1);
		HeartbeatDestination hanging = destination("orders", () -> {
			sending.countDown();
			new java.util.concurrent.CountDownLatch(1).await();
		});
		HeartbeatScheduler scheduler = new HeartbeatScheduler(this.meters, Duration.ofMillis(10), () -> List.of(hanging));
		scheduler.start();
		sending.await();
		scheduler.stop();
		assertThat(scheduler.isRunning()).isFalse();
	}

	@Test
	void theTimestampNeverMovesBack() {
		this.meters.consumed("orders", 2_000);
		this.meters.consumed("orders", 1_000);
		assertThat(this.registry.get("job.queue.heartbeat.timestamp").tag("queue", "orders").gauge().value())
			.isEqualTo(2.0);
		assertThat(this.registry.get("job.queue.heartbeats.consumed").tag("queue", "orders").counter().count())
			.isEqualTo(2);
	}

	private static HeartbeatDestination destination(String queue, Send send) {
		return new HeartbeatDestination() {

			@Override
			public String queue() {
				return queue;
			}

			@Override
			public int send(long sentAtMillis) throws Exception {
				send.run();
				return 1;
			}

		};
	}

	interface Send {

		void run() throws Exception;

	}

}
