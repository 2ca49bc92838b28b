package io.github.jobmetrics;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.github.jobmetrics.aop.TracedJobAdvisor;
import io.github.jobmetrics.micrometer.MicrometerJobTracer;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.aop.framework.ProxyFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Runs on virtual threads give the same numbers as on platform threads: the thread-local scope that nests runs
 * and the tracer's lock work the same on both. Needs JDK 21+: the build runs it with Temurin 25 where that JDK is
 * installed (profile {@code virtual-threads}), and leaves it out of the JDK 17 run.
 */
class VirtualThreadsTests {

	private static final int JOBS = 8;

	@Test
	void virtualThreadsGiveTheSameNumbersAsPlatformThreads() throws Exception {
		double[] platform = run(Executors.newFixedThreadPool(JOBS), false);
		double[] virtual = run(newVirtualThreadPerTaskExecutor(), true);
		assertThat(virtual).containsExactly(platform);
		assertThat(virtual).containsExactly(JOBS * 10.0, JOBS, JOBS * 10.0, 0, JOBS);
	}

	// Worked seconds, successes, duration sum, runs in flight after the end, and nested-service successes.
	private static double[] run(ExecutorService executor, boolean expectVirtual) throws Exception {
		MockClock clock = new MockClock();
		SimpleMeterRegistry registry = new SimpleMeterRegistry(SimpleConfig.DEFAULT, clock);
		MicrometerJobTracer tracer = new MicrometerJobTracer(registry);
		tracer.register("facade", null);
		tracer.register("service", null);
		CountDownLatch release = new CountDownLatch(1);
		Service service = proxy(new Service(release), tracer);
		Facade facade = proxy(new Facade(service), tracer);
		try {
			List<Future<Boolean>> runs = new ArrayList<>();
			for (int i = 0; i < JOBS; i++) {
				runs.add(executor.submit(facade::handle));
			}
			await().atMost(Duration.ofSeconds(30))
				.until(() -> registry.get("job.inflight").tag("job.name", "service").gauge().value() == JOBS);
			clock.add(Duration.ofSeconds(10));
			double worked = registry.find("job.worked").functionCounters().stream().mapToDouble((c) -> c.count()).sum();
			release.countDown();
			for (Future<Boolean> run : runs) {
				assertThat(run.get(30, TimeUnit.SECONDS)).as("ran on a virtual thread").isEqualTo(expectVirtual);
			}
			return new double[] { worked,
					registry.get("job.executions").tag("job.name", "facade").tag("result", "success")
						.functionCounter().count(),
					registry.get("job.duration").tag("job.name", "facade").timer().totalTime(TimeUnit.SECONDS),
					registry.get("job.inflight").tag("job.name", "facade").gauge().value(),
					registry.get("job.executions").tag("job.name", "service").tag("result", "success")
						.functionCounter().count() };
		}
		finally {
			executor.shutdownNow();
		}
	}

	private static ExecutorService newVirtualThreadPerTaskExecutor() throws Exception {
		return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
	}

	static boolean isVirtual(Thread thread) {
		try {
			Method isVirtual = Thread.class.getMethod("isVirtual");
			return (boolean) isVirtual.invoke(thread);
		}
		catch (ReflectiveOperationException ex) {
			return false;
		}
	}

	@SuppressWarnings("unchecked")
	private static <T> T proxy(T target, MicrometerJobTracer tracer) {
		ProxyFactory factory = new ProxyFactory(target);
		factory.setProxyTargetClass(true);
		factory.addAdvisor(new TracedJobAdvisor(() -> tracer));
		return (T) factory.getProxy();
	}

	static class Facade {

		private final Service service;

		Facade(Service service) {
			this.service = service;
		}

		@TracedJob("facade")
		public Boolean handle() throws InterruptedException {
			return this.service.work();
		}

	}

	static class Service {

		private final CountDownLatch release;

		Service(CountDownLatch release) {
			this.release = release;
		}

		@TracedJob("service")
		public Boolean work() throws InterruptedException {
			this.release.await();
			return isVirtual(Thread.currentThread());
		}

	}

}
