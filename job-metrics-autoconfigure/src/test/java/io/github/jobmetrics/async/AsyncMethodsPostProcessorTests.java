package io.github.jobmetrics.async;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.github.jobmetrics.TracedJob;
import io.github.jobmetrics.aop.TracedJobAdvisor;
import io.github.jobmetrics.micrometer.MicrometerJobTracer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.aop.Advisor;
import org.springframework.aop.framework.Advised;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.aop.interceptor.AsyncExecutionInterceptor;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.AsyncAnnotationAdvisor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link AsyncMethodsPostProcessor} on proxies built by hand, in the orders a context does not build.
 */
class AsyncMethodsPostProcessorTests {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final MicrometerJobTracer tracer = new MicrometerJobTracer(this.registry);

	private final AsyncMethodsPostProcessor postProcessor = new AsyncMethodsPostProcessor(() -> this.tracer,
			this.registry.config()::clock, false);

	@Test
	void movesTracingThatPrecedesTheAsyncAdvisorInOneProxyInsideIt() throws Exception {
		TracedJobAdvisor traced = new TracedJobAdvisor(() -> this.tracer);
		AsyncAnnotationAdvisor async = new AsyncAnnotationAdvisor(new SimpleAsyncTaskExecutor(), null);
		ProxyFactory factory = new ProxyFactory(new Reports());
		factory.setProxyTargetClass(true);
		factory.addAdvisor(traced);
		factory.addAdvisor(async);
		Reports reports = (Reports) this.postProcessor.postProcessAfterInitialization(factory.getProxy(), "reports");
		Advisor[] advisors = ((Advised) reports).getAdvisors();
		assertThat(advisors).hasSize(3);
		assertThat(advisors[1].getAdvice()).isInstanceOf(AsyncExecutionInterceptor.class);
		assertThat(advisors[2]).isSameAs(traced);
		String thread = reports.render().get(10, TimeUnit.SECONDS);
		assertThat(thread).isNotEqualTo(Thread.currentThread().getName());
		assertThat(this.registry.get("job.executions").tags("job.name", "render", "result", "success")
			.functionCounter().count()).isOne();
		assertThat(this.registry.get("job.queue.wait").tag("job.name", "render").timer().count()).isOne();
	}

	@Test
	void leavesABeanWithoutAsyncAdviceAlone() {
		ProxyFactory factory = new ProxyFactory(new Reports());
		factory.setProxyTargetClass(true);
		factory.addAdvisor(new TracedJobAdvisor(() -> this.tracer));
		Object proxy = factory.getProxy();
		assertThat(this.postProcessor.postProcessAfterInitialization(proxy, "reports")).isSameAs(proxy);
		assertThat(((Advised) proxy).getAdvisors()).hasSize(1);
	}

	public static class Reports {

		@Async
		@TracedJob("render")
		public CompletableFuture<String> render() {
			return CompletableFuture.completedFuture(Thread.currentThread().getName());
		}

	}

}
