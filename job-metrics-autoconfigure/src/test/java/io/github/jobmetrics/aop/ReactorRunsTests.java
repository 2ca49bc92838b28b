package io.github.jobmetrics.aop;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import io.github.jobmetrics.TracedJob;
import io.github.jobmetrics.micrometer.MicrometerJobTracer;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import org.springframework.aop.framework.ProxyFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A job that returns a {@link Mono} or {@link Flux} runs when it is subscribed: each subscription is one run,
 * from the subscription to the terminal signal.
 */
class ReactorRunsTests {

	private final MockClock clock = new MockClock();

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry(SimpleConfig.DEFAULT, this.clock);

	private final ReactiveJobs target = new ReactiveJobs();

	private final ReactiveJobs jobs = proxy(this.target);

	@Test
	void publisherNeverSubscribedIsNoRun() {
		this.jobs.fetch();
		assertThat(this.target.subscriptions).isZero();
		assertThat(total()).isZero();
		assertThat(inflight()).isZero();
	}

	@Test
	void pendingMonoIsARunInFlightFromSubscriptionUntilItsValue() {
		Mono<String> mono = this.jobs.fetch();
		this.clock.add(Duration.ofSeconds(7));
		AtomicReference<String> value = new AtomicReference<>();
		mono.subscribe(value::set);
		assertThat(inflight()).isOne();
		this.clock.add(Duration.ofSeconds(4));
		assertThat(worked()).as("counted from the subscription, not the call").isEqualTo(4.0);
		this.target.sink.tryEmitValue("data");
		assertThat(value.get()).isEqualTo("data");
		assertThat(executions("success")).isOne();
		assertThat(inflight()).isZero();
	}

	@Test
	void monoSubscribedTwiceIsTwoRuns() {
		Mono<String> mono = this.jobs.fetch();
		mono.subscribe();
		mono.subscribe();
		assertThat(inflight()).isEqualTo(2);
		this.target.sink.tryEmitValue("data");
		assertThat(executions("success")).isEqualTo(2);
	}

	@Test
	void fluxErrorIsOneFailureWithItsException() {
		List<Throwable> errors = new ArrayList<>();
		this.jobs.stream(true).subscribe((item) -> {
		}, errors::add);
		assertThat(errors).singleElement().isInstanceOf(IllegalStateException.class);
		assertThat(executions("failure")).isOne();
		assertThat(total()).isOne();
		assertThat(this.registry.get("job.exceptions").tag("exception", "IllegalStateException").counter().count())
			.isOne();
	}

	@Test
	void completedFluxIsOneSuccess() {
		assertThat(this.jobs.stream(false).collectList().block()).containsExactly(1, 2, 3);
		assertThat(executions("success")).isOne();
		assertThat(total()).isOne();
	}

	@Test
	void cancelledSubscriptionIsCountedAsCancelled() {
		Disposable subscription = this.jobs.fetch().subscribe();
		subscription.dispose();
		assertThat(executions("cancelled")).isOne();
		assertThat(total()).isOne();
		assertThat(inflight()).isZero();
	}

	private double worked() {
		return this.registry.get("job.worked").tag("job.name", "fetch").functionCounter().count();
	}

	private double inflight() {
		return this.registry.find("job.inflight").tag("job.name", "fetch").gauges().stream()
			.mapToDouble((gauge) -> gauge.value())
			.sum();
	}

	private double executions(String result) {
		return this.registry.get("job.executions").tag("job.name", "fetch").tag("result", result)
			.functionCounter().count();
	}

	private double total() {
		return this.registry.find("job.executions").tag("job.name", "fetch").functionCounters().stream()
			.mapToDouble((counter) -> counter.count())
			.sum();
	}

	@SuppressWarnings("unchecked")
	private <T> T proxy(T target) {
		MicrometerJobTracer tracer = new MicrometerJobTracer(this.registry);
		ProxyFactory factory = new ProxyFactory(target);
		factory.setProxyTargetClass(true);
		factory.addAdvisor(new TracedJobAdvisor(() -> tracer));
		return (T) factory.getProxy();
	}

	static class ReactiveJobs {

		final Sinks.One<String> sink = Sinks.one();

		int subscriptions;

		@TracedJob("fetch")
		public Mono<String> fetch() {
			return this.sink.asMono().doOnSubscribe((subscription) -> this.subscriptions++);
		}

		@TracedJob("fetch")
		public Flux<Integer> stream(boolean fail) {
			Flux<Integer> items = Flux.just(1, 2, 3);
			return fail ? items.concatWith(Flux.error(new IllegalStateException("broken"))) : items;
		}

	}

}
