package io.github.jobmetrics.micrometer;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.github.jobmetrics.JobRun;
import io.github.jobmetrics.TracedJob;
import io.github.jobmetrics.aop.TracedJobAdvisor;
import io.github.jobmetrics.internal.TracedRunScope;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.aop.framework.ProxyFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests of runs nested on one thread ("outer run wins"): a run started inside the body of another traced run
 * counts as a run, but adds nothing to {@code job.worked}, so that the worked time summed over all jobs never
 * counts a thread twice.
 */
class NestedRunsTests {

	private final MockClock clock = new MockClock();

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry(SimpleConfig.DEFAULT, this.clock);

	private final MicrometerJobTracer tracer = new MicrometerJobTracer(this.registry);

	@AfterEach
	void leavesTheThreadOutsideAnyScope() {
		assertThat(TracedRunScope.isOpen()).isFalse();
	}

	@Test
	void tracedFacadeCallingATracedServiceCountsTheThreadOnce() {
		Service service = proxy(new Service(this.clock));
		// Mid-run, as a scrape would read it: both runs in flight, the thread counted once.
		Facade facade = proxy(new Facade(this.clock, service,
				() -> assertThat(worked("facade") + worked("service")).isEqualTo(7.0)));
		facade.handle();
		assertThat(worked("facade") + worked("service")).isEqualTo(10.0);
		assertThat(worked("facade")).isEqualTo(10.0);
		assertThat(worked("service")).isZero();
		assertThat(duration("facade")).isEqualTo(10.0);
		assertThat(duration("service")).isEqualTo(5.0);
		assertThat(successes("facade")).isOne();
		assertThat(successes("service")).isOne();
	}

	@Test
	void traceInsideTraceCountsTheThreadOnceAndEachRunAsARun() throws Exception {
		this.tracer.trace("outer", null, () -> {
			this.clock.add(Duration.ofSeconds(2));
			this.tracer.trace("inner", null, () -> {
				this.clock.add(Duration.ofSeconds(4));
				assertThat(worked("outer") + worked("inner")).isEqualTo(6.0);
				assertThat(gauge("job.inflight", "inner")).isOne();
				assertThat(gauge("job.oldest.inflight.age", "inner")).isEqualTo(4.0);
			});
			this.clock.add(Duration.ofSeconds(1));
			return null;
		});
		assertThat(worked("outer") + worked("inner")).isEqualTo(7.0);
		assertThat(duration("outer")).isEqualTo(7.0);
		assertThat(duration("inner")).isEqualTo(4.0);
		assertThat(successes("outer")).isOne();
		assertThat(successes("inner")).isOne();
	}

	@Test
	void runFromStartDoesNotHideATraceOnItsThread() {
		JobRun outer = this.tracer.start("outer");
		this.tracer.trace("inner", null, work(3));
		outer.close();
		assertThat(worked("outer")).isEqualTo(3.0);
		assertThat(worked("inner")).isEqualTo(3.0);
	}

	@Test
	void nestedRunClosedAfterItsParentLeavesFlightExactlyOnce() {
		AtomicReference<JobRun> nested = new AtomicReference<>();
		this.tracer.trace("outer", null, () -> {
			nested.set(this.tracer.start("inner"));
			this.clock.add(Duration.ofSeconds(2));
		});
		assertThat(gauge("job.inflight", "inner")).isOne();
		this.clock.add(Duration.ofSeconds(3));
		nested.get().close();
		nested.get().close();
		assertThat(gauge("job.inflight", "outer")).isZero();
		assertThat(gauge("job.inflight", "inner")).isZero();
		assertThat(gauge("job.oldest.inflight.age", "inner")).isZero();
		assertThat(duration("inner")).isEqualTo(5.0);
		assertThat(worked("outer") + worked("inner")).isEqualTo(2.0);
		this.clock.add(Duration.ofSeconds(7));
		assertThat(worked("outer") + worked("inner")).isEqualTo(2.0);
	}

	@Test
	void failingRunsLeaveTheScopeSoTheNextRunOnTheThreadIsTopLevel() {
		Service service = proxy(new Service(this.clock));
		assertThatIllegalStateException().isThrownBy(() -> this.tracer.trace("outer", null, service::fail));
		assertThat(TracedRunScope.isOpen()).isFalse();
		assertThatIllegalStateException().isThrownBy(service::fail);
		assertThat(TracedRunScope.isOpen()).isFalse();
		assertThatIllegalStateException().isThrownBy(() -> this.tracer.trace("outer", null, () -> {
			throw new IllegalStateException("from a Callable");
		}));
		this.tracer.trace("next", null, work(4));
		assertThat(worked("next")).isEqualTo(4.0);
		// The first failure was nested in "outer", the second was a run of its own.
		assertThat(worked("outer")).isEqualTo(0.5);
		assertThat(worked("service")).isEqualTo(0.5);
		assertThat(this.registry.get("job.executions").tag("job.name", "service").tag("result", "failure")
			.functionCounter()
			.count()).isEqualTo(2);
	}

	@Test
	void runThatIsNotTracedDoesNotHideTheRunsInsideIt() {
		// An invalid job name: the tracer declines the run, and the job runs untraced.
		this.tracer.trace(" ", null, () -> this.tracer.trace("inner", null, work(3)));
		assertThat(worked("inner")).isEqualTo(3.0);
	}

	private Runnable work(int seconds) {
		return () -> this.clock.add(Duration.ofSeconds(seconds));
	}

	@SuppressWarnings("unchecked")
	private <T> T proxy(T target) {
		ProxyFactory factory = new ProxyFactory(target);
		factory.setProxyTargetClass(true);
		factory.addAdvisor(new TracedJobAdvisor(() -> this.tracer));
		return (T) factory.getProxy();
	}

	private double worked(String job) {
		return this.registry.get("job.worked").tag("job.name", job).functionCounter().count();
	}

	private double duration(String job) {
		return this.registry.get("job.duration").tag("job.name", job).timer().totalTime(TimeUnit.SECONDS);
	}

	private double successes(String job) {
		return this.registry.get("job.executions").tag("job.name", job).tag("result", "success")
			.functionCounter().count();
	}

	private double gauge(String name, String job) {
		return this.registry.get(name).tag("job.name", job).gauge().value();
	}

	static class Facade {

		private final MockClock clock;

		private final Service service;

		private final Runnable midRun;

		Facade(MockClock clock, Service service, Runnable midRun) {
			this.clock = clock;
			this.service = service;
			this.midRun = midRun;
		}

		@TracedJob("facade")
		public void handle() {
			this.clock.add(Duration.ofSeconds(2));
			this.service.sync();
			this.midRun.run();
			this.clock.add(Duration.ofSeconds(3));
		}

	}

	static class Service {

		private final MockClock clock;

		Service(MockClock clock) {
			this.clock = clock;
		}

		@TracedJob("service")
		public void sync() {
			this.clock.add(Duration.ofSeconds(5));
		}

		@TracedJob("service")
		public void fail() {
			this.clock.add(Duration.ofMillis(500));
			throw new IllegalStateException("provider down");
		}

	}

}
