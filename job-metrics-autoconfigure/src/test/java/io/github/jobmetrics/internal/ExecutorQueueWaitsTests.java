package io.github.jobmetrics.internal;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.github.jobmetrics.micrometer.MicrometerJobTracer;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the first traced run of a task handed to an executor observes: the time the task waited before a thread took
 * it, not the untraced work the task did before the run; nothing for a listener's run on a container's long-lived
 * task, whose waits are its messages'; one wait for a task that an enclosing task ran on its own thread.
 */
class ExecutorQueueWaitsTests {

	private final MockClock clock = new MockClock();

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry(SimpleConfig.DEFAULT, this.clock);

	private final MicrometerJobTracer tracer = new MicrometerJobTracer(this.registry);

	@Test
	void theWaitEndsWhenTheTaskLeavesTheQueueNotWhenItsRunStarts() {
		Runnable task = ExecutorQueueWaits.queued(() -> {
			// Untraced work of the task before its run: not queue wait.
			this.clock.add(Duration.ofSeconds(7));
			this.tracer.trace("report", null, () -> {
			});
		}, this.clock);
		this.clock.add(Duration.ofSeconds(3));
		task.run();
		assertThat(this.registry.get("job.queue.wait").tag("job.name", "report").timer().totalTime(TimeUnit.SECONDS))
			.isEqualTo(3.0);
	}

	@Test
	void aListenerRunOnAContainersTaskObservesNoWaitOfTheTask() {
		Runnable consumerLoop = ExecutorQueueWaits.queued(() -> {
			boolean began = Deliveries.begin();
			try {
				this.tracer.trace("listener", null, () -> {
				});
			}
			finally {
				if (began) {
					Deliveries.end();
				}
			}
		}, this.clock);
		this.clock.add(Duration.ofSeconds(3));
		consumerLoop.run();
		assertThat(this.registry.find("job.queue.wait").meters()).isEmpty();
	}

	@Test
	void aTaskRunByTheCallerInsideAnotherTaskKeepsTheOuterTaskForLaterRuns() {
		Runnable outer = ExecutorQueueWaits.queued(() -> {
			// A caller-runs policy: the inner task runs at once on this thread, and its run takes the inner wait.
			Runnable inner = ExecutorQueueWaits.queued(() -> this.tracer.trace("inner", null, () -> {
			}), this.clock);
			inner.run();
			this.tracer.trace("outer", null, () -> {
			});
		}, this.clock);
		this.clock.add(Duration.ofSeconds(5));
		outer.run();
		assertThat(this.registry.get("job.queue.wait").tag("job.name", "inner").timer().totalTime(TimeUnit.SECONDS))
			.isZero();
		assertThat(this.registry.get("job.queue.wait").tag("job.name", "outer").timer().totalTime(TimeUnit.SECONDS))
			.isEqualTo(5.0);
	}

}
