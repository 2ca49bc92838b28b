package io.github.jobmetrics.observation;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.github.jobmetrics.JobRun;
import io.github.jobmetrics.TracedJob;
import io.github.jobmetrics.aop.TracedJobAdvisor;
import io.github.jobmetrics.micrometer.JobMeterSettings;
import io.github.jobmetrics.micrometer.MicrometerJobTracer;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.test.simple.SimpleSpan;
import io.micrometer.tracing.test.simple.SimpleTracer;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import org.springframework.aop.framework.ProxyFactory;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.dao.QueryTimeoutException;

import static io.micrometer.tracing.test.simple.SpanAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.mockito.Mockito.mock;

/**
 * Each run is one span, named after its job and tagged as its meters are, that ends when the run ends.
 */
class ObservedJobTracerTests {

	private final MockClock clock = new MockClock();

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry(SimpleConfig.DEFAULT, this.clock);

	private final SimpleTracer tracer = new SimpleTracer();

	private final ObservationRegistry observations = ObservationRegistry.create();

	private final JobMeterSettings settings = JobMeterSettings.defaults()
		.withRetryExceptions(List.of(TransientDataAccessException.class));

	private final ObservedJobTracer jobTracer;

	ObservedJobTracerTests() {
		this.observations.observationConfig().observationHandler(new DefaultTracingObservationHandler(this.tracer));
		this.jobTracer = new ObservedJobTracer(new MicrometerJobTracer(this.meters, this.settings), this.observations,
				null, this.settings::isRetryable);
	}

	@Test
	void queueWaitOfAnObservedRunIsRecorded() {
		long enqueued = this.clock.wallTime();
		this.clock.add(java.time.Duration.ofSeconds(3));
		try (io.github.jobmetrics.JobRun run = this.jobTracer.start("payments", "payments")) {
			run.enqueuedAt(enqueued);
		}
		assertThat(this.meters.get("job.queue.wait").timer().totalTime(java.util.concurrent.TimeUnit.SECONDS))
			.isEqualTo(3);
	}

	@Test
	void spanCarriesTheLabelsTheMetersAdmittedAndTheRequestedNameOfAFoldedJob() {
		ObservedJobTracer capped = new ObservedJobTracer(
				new MicrometerJobTracer(this.meters, this.settings.withMaxJobNames(1).withMaxQueues(1)),
				this.observations, null, this.settings::isRetryable);
		capped.start("import", "inbox").close();
		JobRun folded = capped.start("import-" + 42, "outbox");
		folded.failed(new IllegalStateException("broken"));
		folded.close();
		List<SimpleSpan> spans = List.copyOf(this.tracer.getSpans());
		assertThat(spans.get(0)).hasNameEqualTo("import")
			.hasTag("job.name", "import")
			.hasTag("queue", "inbox")
			.hasTag("exception", "none")
			.doesNotHaveTagWithKey("job.requested.name");
		assertThat(spans.get(1)).hasNameEqualTo("other")
			.hasTag("job.name", "other")
			.hasTag("queue", "other")
			.hasTag("exception", "IllegalStateException")
			.hasTag("job.requested.name", "import-42");
	}

	@Test
	void delegateThatDoesNotTellItsLabelsGivesTheCallersNames() {
		// A run of a tracer of the application's own: neither job-metrics' run nor its no-op.
		JobRun own = mock(JobRun.class);
		ObservedJobTracer observed = new ObservedJobTracer((name, queue) -> own, this.observations, null,
				(failure) -> false);
		JobRun run = observed.start("sync-7", null);
		run.failed(new IllegalArgumentException("bad"));
		run.close();
		assertThat(this.tracer.onlySpan()).hasNameEqualTo("sync-7")
			.hasTag("job.name", "sync-7")
			.hasTag("queue", "none")
			.hasTag("exception", "IllegalArgumentException");
	}

	@Test
	void everyMethodOfJobRunIsPassedOnNotLeftToItsDefault() {
		// A default method of JobRun that the decorator does not override would silently do nothing for every
		// application with an ObservationRegistry.
		for (java.lang.reflect.Method method : io.github.jobmetrics.JobRun.class.getMethods()) {
			if (!java.lang.reflect.Modifier.isStatic(method.getModifiers())) {
				assertThat(org.springframework.util.ReflectionUtils.findMethod(ObservedRun.class, method.getName(),
						method.getParameterTypes())
					.getDeclaringClass()).as(method.getName()).isEqualTo(ObservedRun.class);
			}
		}
	}

	@Test
	void runIsOneSpanNamedAfterItsJobWithTheTagsOfItsMeters() {
		this.jobTracer.trace("invoice-export", null, () -> {
			this.clock.add(Duration.ofSeconds(3));
		});
		SimpleSpan span = this.tracer.onlySpan();
		assertThat(span).hasNameEqualTo("invoice-export")
			.hasTag("job.name", "invoice-export")
			.hasTag("queue", "none")
			.hasTag("result", "success")
			.isEnded();
		assertThat(span.getError()).isNull();
		assertThat(this.meters.get("job.duration").tag("job.name", "invoice-export").timer().count()).isOne();
	}

	@Test
	void failedRunIsASpanWithItsErrorAndTheResultOfItsMeters() {
		IllegalStateException failure = new IllegalStateException("broken");
		assertThatIllegalStateException().isThrownBy(() -> this.jobTracer.trace("payment-sync", "payments", () -> {
			throw failure;
		}));
		assertThat(this.tracer.onlySpan()).hasTag("result", "failure").hasTag("queue", "payments");
		assertThat(this.tracer.onlySpan().getError()).isSameAs(failure);
		assertThat(this.meters.get("job.executions").tag("result", "failure").functionCounter().count()).isOne();
	}

	@Test
	void retryExceptionIsARetryOnTheSpanAsInTheMeters() {
		QueryTimeoutException failure = new QueryTimeoutException("slow");
		try (JobRun run = this.jobTracer.start("ledger")) {
			run.failed(failure);
		}
		assertThat(this.tracer.onlySpan()).hasTag("result", "retry");
		assertThat(this.tracer.onlySpan().getError()).isSameAs(failure);
		assertThat(this.meters.get("job.executions").tag("result", "retry").functionCounter().count()).isOne();
	}

	@Test
	void spanStartedInTheBodyIsAChildOfTheRun() {
		this.jobTracer.trace("invoice-export", null,
				() -> Observation.createNotStarted("invoice.query", this.observations).observe(() -> {
				}));
		SimpleSpan query = span("invoice.query");
		SimpleSpan run = span("invoice-export");
		assertThat(query).hasParentIdEqualTo(run.getSpanId()).hasTraceIdEqualTo(run.getTraceId());
		assertThat((Object) this.tracer.currentSpan()).as("nothing left current after the run").isNull();
	}

	@Test
	void runIsAChildOfTheObservationCurrentWhereItStarts() {
		Observation incoming = Observation.createNotStarted("jms.message.process", this.observations).start();
		try (Observation.Scope scope = incoming.openScope()) {
			this.jobTracer.trace("payment-sync", "payments", () -> {
			});
		}
		incoming.stop();
		assertThat(span("payment-sync")).hasParentIdEqualTo(span("jms.message.process").getSpanId());
		assertThat(this.tracer.getSpans()).hasSize(2);
	}

	@Test
	void nestedRunsAreNestedSpansAndTheOuterIsCurrentAgainAfterTheInner() {
		this.jobTracer.trace("facade", null, () -> {
			this.jobTracer.trace("service", null, () -> {
			});
			Observation.createNotStarted("after.inner", this.observations).observe(() -> {
			});
		});
		assertThat(span("service")).hasParentIdEqualTo(span("facade").getSpanId());
		assertThat(span("after.inner")).hasParentIdEqualTo(span("facade").getSpanId());
	}

	@Test
	void asyncRunEndsItsSpanWhenTheStageCompletesNotWhenItReturns() {
		CompletableFuture<String> stage = new CompletableFuture<>();
		CompletableFuture<String> returned = this.jobTracer.traceAsync("export", null, () -> stage);
		assertThat(returned).isSameAs(stage);
		assertThat(this.tracer.getSpans()).hasSize(1);
		assertThat(this.tracer.getSpans().getFirst()).isStarted().isNotEnded(); // named when it ends
		assertThat((Object) this.tracer.currentSpan()).as("the span is not left current on the calling thread").isNull();
		stage.completeExceptionally(new IllegalStateException("late"));
		assertThat(this.tracer.onlySpan()).isEnded().hasTag("result", "failure");
		assertThat(this.tracer.onlySpan().getError()).isInstanceOf(IllegalStateException.class);
	}

	@Test
	void cancelledStageIsACancelledSpanWithoutError() {
		CompletableFuture<String> stage = new CompletableFuture<>();
		this.jobTracer.traceAsync("export", null, () -> stage);
		stage.cancel(false);
		assertThat(this.tracer.onlySpan()).isEnded().hasTag("result", "cancelled");
		assertThat(this.tracer.onlySpan().getError()).isNull();
	}

	@Test
	void reactiveRunIsOneSpanPerSubscriptionEndingAtItsTerminalSignal() {
		ReactiveJobs target = new ReactiveJobs();
		ProxyFactory factory = new ProxyFactory(target);
		factory.setProxyTargetClass(true);
		factory.addAdvisor(new TracedJobAdvisor(() -> this.jobTracer));
		ReactiveJobs jobs = (ReactiveJobs) factory.getProxy();
		Mono<String> mono = jobs.fetch();
		assertThat(this.tracer.getSpans()).as("no span before the subscription").isEmpty();
		mono.subscribe();
		assertThat(this.tracer.getSpans()).hasSize(1);
		assertThat(this.tracer.getSpans().getFirst()).isStarted().isNotEnded();
		target.sink.tryEmitValue("data");
		assertThat(this.tracer.onlySpan()).isEnded().hasNameEqualTo("fetch").hasTag("result", "success");
	}

	@Test
	void closingTwiceEndsTheSpanOnce() {
		JobRun run = this.jobTracer.start("export");
		run.close();
		run.close();
		assertThat(this.tracer.getSpans()).hasSize(1);
		assertThat(this.meters.get("job.duration").timer().count()).isOne();
	}

	@Test
	void noopRegistryAddsNothingToTheRun() {
		MicrometerJobTracer plain = new MicrometerJobTracer(this.meters, this.settings);
		ObservedJobTracer observed = new ObservedJobTracer(plain, ObservationRegistry.NOOP, null,
				this.settings::isRetryable);
		try (JobRun run = observed.start("export")) {
			assertThat(run).isNotInstanceOf(ObservedRun.class);
		}
		assertThat(this.meters.get("job.duration").timer().count()).isOne();
	}

	@Test
	void failingObservationHandlerNeverReachesTheJobNorItsMeters() throws Exception {
		this.observations.observationConfig().observationHandler(new FailingHandler());
		String value = this.jobTracer.trace("export", null, () -> "done");
		assertThat(value).isEqualTo("done");
		assertThat(this.meters.get("job.executions").tag("result", "success").functionCounter().count()).isOne();
	}

	private SimpleSpan span(String name) {
		return this.tracer.getSpans()
			.stream()
			.filter((span) -> name.equals(span.getName()))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no span " + name + " in " + this.tracer.getSpans()));
	}

	static class ReactiveJobs {

		final Sinks.One<String> sink = Sinks.one();

		@TracedJob("fetch")
		public Mono<String> fetch() {
			return this.sink.asMono();
		}

	}

	static class FailingHandler implements io.micrometer.observation.ObservationHandler<Observation.Context> {

		@Override
		public void onStart(Observation.Context context) {
			throw new IllegalStateException("handler");
		}

		@Override
		public void onStop(Observation.Context context) {
			throw new IllegalStateException("handler");
		}

		@Override
		public void onScopeOpened(Observation.Context context) {
			throw new IllegalStateException("handler");
		}

		@Override
		public boolean supportsContext(Observation.Context context) {
			return true;
		}

	}

}
