package io.github.jobmetrics.internal;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.jobmetrics.JobRun;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link StageCompletion}: a run ends once, with its stage, and once it has ended nothing of
 * job-metrics keeps it reachable, however long the application keeps the stage (a cached future, a memoized
 * result). The garbage collector is the witness: a run that anything still references is never collected.
 */
class StageCompletionTests {

	@Test
	void aStageThatIsAlreadyCompleteEndsTheRunAtOnceAndKeepsNothingOfIt() {
		CompletableFuture<String> stage = CompletableFuture.completedFuture("done");
		RecordingRun run = new RecordingRun();
		List<String> events = run.events;
		assertThat(StageCompletion.endWhenComplete(run, stage, false, "cached")).isTrue();
		assertThat(events).containsExactly("close");
		WeakReference<RecordingRun> reference = new WeakReference<>(run);
		run = null;
		awaitCollected(reference);
		// The application still holds the stage: only its run is gone.
		assertThat(stage).isCompletedWithValue("done");
		assertThat(events).containsExactly("close");
	}

	@Test
	void aStageCompletedLaterEndsTheRunOnceAndThenKeepsNothingOfIt() {
		CompletableFuture<String> stage = new CompletableFuture<>();
		RecordingRun run = new RecordingRun();
		List<String> events = run.events;
		assertThat(StageCompletion.endWhenComplete(run, stage, false, "memoized")).isTrue();
		assertThat(events).isEmpty();
		stage.completeExceptionally(new IllegalStateException("failed"));
		assertThat(events).containsExactly("failed IllegalStateException", "close");
		WeakReference<RecordingRun> reference = new WeakReference<>(run);
		run = null;
		awaitCollected(reference);
		assertThat(stage).isCompletedExceptionally();
		assertThat(events).containsExactly("failed IllegalStateException", "close");
	}

	@Test
	void aStageDroppedWhilePendingEndsItsRunAsCancelled() {
		RecordingRun run = new RecordingRun();
		StageCompletion.endWhenComplete(run, new CompletableFuture<String>(), false, "dropped");
		await().atMost(Duration.ofSeconds(10)).until(() -> {
			System.gc();
			return run.events.equals(List.of("cancelled", "close"));
		});
	}

	private static void awaitCollected(WeakReference<?> reference) {
		await().atMost(Duration.ofSeconds(10)).until(() -> {
			System.gc();
			return reference.get() == null;
		});
	}

	static final class RecordingRun implements JobRun {

		final List<String> events = new CopyOnWriteArrayList<>();

		@Override
		public void failed(Throwable failure) {
			this.events.add("failed " + failure.getClass().getSimpleName());
		}

		@Override
		public void retrying(Throwable failure) {
			this.events.add("retrying");
		}

		@Override
		public void failedWithoutRetry(Throwable failure) {
			this.events.add("failedWithoutRetry");
		}

		@Override
		public void cancelled() {
			this.events.add("cancelled");
		}

		@Override
		public void close() {
			this.events.add("close");
		}

	}

}
