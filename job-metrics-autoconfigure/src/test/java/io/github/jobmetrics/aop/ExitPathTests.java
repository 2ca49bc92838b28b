package io.github.jobmetrics.aop;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.github.jobmetrics.TracedJob;
import io.github.jobmetrics.micrometer.MicrometerJobTracer;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

import org.springframework.aop.framework.ProxyFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every way a {@code @TracedJob} method can end takes its run out of flight exactly once: afterwards
 * {@code job_inflight} reads 0, one execution is counted with the right result, and the worked seconds equal the
 * time the run took on the {@link MockClock}, 3 s, neither less (a run lost) nor more (a run still counted).
 */
class ExitPathTests {

	private static final Duration ELAPSED = Duration.ofSeconds(3);

	private final MockClock clock = new MockClock();

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry(SimpleConfig.DEFAULT, this.clock);

	private final CountDownLatch started = new CountDownLatch(1);

	private final Jobs jobs = proxy(new Jobs(this.clock, this.started));

	enum ExitPath {

		RETURN("success"), CHECKED_EXCEPTION("failure"), UNCHECKED_EXCEPTION("failure"), ERROR("failure"),
		INTERRUPT("failure"), FUTURE_CANCELLED("cancelled"), REACTIVE_CANCELLED("cancelled");

		final String result;

		ExitPath(String result) {
			this.result = result;
		}

	}

	@ParameterizedTest
	@EnumSource
	void runLeavesFlightOnceWithItsElapsedTimeAsWork(ExitPath path) throws Exception {
		switch (path) {
			case RETURN -> assertThat(this.jobs.work()).isEqualTo("done");
			case CHECKED_EXCEPTION -> assertThatThrownBy(this.jobs::failChecked).isInstanceOf(IOException.class);
			case UNCHECKED_EXCEPTION ->
				assertThatThrownBy(this.jobs::failUnchecked).isInstanceOf(IllegalStateException.class);
			case ERROR -> assertThatThrownBy(this.jobs::failWithError).isInstanceOf(StackOverflowError.class);
			case INTERRUPT -> assertThat(interruptWhileBlocked()).isInstanceOf(InterruptedException.class);
			case FUTURE_CANCELLED -> {
				CompletableFuture<String> future = this.jobs.pending();
				this.clock.add(ELAPSED);
				assertThat(inflight()).isOne();
				future.cancel(true);
			}
			case REACTIVE_CANCELLED -> {
				Disposable subscription = this.jobs.never().subscribe();
				this.clock.add(ELAPSED);
				assertThat(inflight()).isOne();
				subscription.dispose();
			}
		}
		assertThat(inflight()).isZero();
		assertThat(executions(path.result)).isOne();
		assertThat(executions("success") + executions("failure") + executions("retry") + executions("cancelled"))
			.isOne();
		assertThat(worked()).isEqualTo(ELAPSED.toSeconds());
		assertThat(this.registry.get("job.duration").timer().totalTime(TimeUnit.SECONDS))
			.isEqualTo(ELAPSED.toSeconds());
		this.clock.add(ELAPSED);
		assertThat(worked()).as("nothing left counting").isEqualTo(ELAPSED.toSeconds());
	}

	private Throwable interruptWhileBlocked() throws InterruptedException {
		AtomicReference<Throwable> thrown = new AtomicReference<>();
		Thread worker = new Thread(() -> {
			try {
				this.jobs.block();
			}
			catch (Throwable ex) {
				thrown.set(ex);
			}
		});
		worker.start();
		this.started.await();
		assertThat(inflight()).isOne();
		worker.interrupt();
		worker.join(TimeUnit.SECONDS.toMillis(30));
		assertThat(worker.isAlive()).isFalse();
		return thrown.get();
	}

	private double inflight() {
		return this.registry.get("job.inflight").gauge().value();
	}

	private double worked() {
		return this.registry.get("job.worked").functionCounter().count();
	}

	private double executions(String result) {
		return this.registry.get("job.executions").tag("result", result).functionCounter().count();
	}

	@SuppressWarnings("unchecked")
	private <T> T proxy(T target) {
		ProxyFactory factory = new ProxyFactory(target);
		factory.setProxyTargetClass(true);
		MicrometerJobTracer tracer = new MicrometerJobTracer(this.registry);
		factory.addAdvisor(new TracedJobAdvisor(() -> tracer));
		return (T) factory.getProxy();
	}

	@TracedJob("exit")
	static class Jobs {

		private final MockClock clock;

		private final CountDownLatch started;

		Jobs(MockClock clock, CountDownLatch started) {
			this.clock = clock;
			this.started = started;
		}

		public String work() {
			this.clock.add(ELAPSED);
			return "done";
		}

		public void failChecked() throws IOException {
			this.clock.add(ELAPSED);
			throw new IOException("disk full");
		}

		public void failUnchecked() {
			this.clock.add(ELAPSED);
			throw new IllegalStateException("broken");
		}

		public void failWithError() {
			this.clock.add(ELAPSED);
			throw new StackOverflowError();
		}

		public void block() throws InterruptedException {
			this.clock.add(ELAPSED);
			this.started.countDown();
			new CountDownLatch(1).await();
		}

		public CompletableFuture<String> pending() {
			return new CompletableFuture<>();
		}

		public Mono<String> never() {
			return Mono.never();
		}

	}

}
