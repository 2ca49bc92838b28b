package io.github.jobmetrics.aop;

import java.lang.reflect.Method;
import java.util.function.Supplier;

import io.github.jobmetrics.JobTracer;
import io.github.jobmetrics.TracedJob;
import org.aopalliance.aop.Advice;

import org.jspecify.annotations.Nullable;

import org.springframework.aop.Pointcut;
import org.springframework.aop.support.AbstractPointcutAdvisor;
import org.springframework.aop.support.StaticMethodMatcherPointcut;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.beans.factory.config.EmbeddedValueResolver;
import org.springframework.core.Ordered;
import org.springframework.util.StringValueResolver;

/**
 * The advisor that traces every {@link TracedJob @TracedJob} method of a Spring bean through a
 * {@link JobTracer}. It is plain Spring AOP (no AspectJ weaver needed) and is picked up by any auto-proxy
 * creator, including the infrastructure one that Spring Boot registers when AspectJ is absent.
 * <p>
 * Ordered first among advisors by default, so that a run covers the work of inner advice such as a
 * transaction. Spring Framework's {@code @Retryable} advice is always placed outside it, so each attempt
 * is a run of its own.
 *
 * @since 0.3.0
 */
public final class TracedJobAdvisor extends AbstractPointcutAdvisor implements BeanFactoryAware {

	private static final long serialVersionUID = 1L;

	private final transient TracedJobInterceptor interceptor;

	private final transient Pointcut pointcut;

	/**
	 * Creates an advisor tracing through the supplied tracer, which is looked up on the first traced call:
	 * auto-proxy creators instantiate advisors early, before the tracer and its registry should exist.
	 * @param tracer supplies the tracer that records each run
	 */
	public TracedJobAdvisor(Supplier<JobTracer> tracer) {
		this(tracer, false);
	}

	/**
	 * Creates an advisor tracing through the supplied tracer, and, if asked, every message listener method
	 * ({@code @JmsListener}, {@code @KafkaListener}, {@code @RabbitListener}) as if it were annotated with
	 * {@code @TracedJob}: job name {@code SimpleClassName.method}, queue the listener's one static destination.
	 * @param tracer supplies the tracer that records each run
	 * @param listeners whether to trace message listener methods without {@code @TracedJob}
	 * @since 0.3.0
	 */
	public TracedJobAdvisor(Supplier<JobTracer> tracer, boolean listeners) {
		this.interceptor = new TracedJobInterceptor(tracer, listeners);
		this.pointcut = new TracedJobPointcut(listeners);
		setOrder(Ordered.HIGHEST_PRECEDENCE + 100);
	}

	/**
	 * Resolves placeholders and expressions of {@code @TracedJob} through the bean factory, and tells whether
	 * Spring's {@code @Retryable} support is active in it.
	 */
	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		StringValueResolver values = (beanFactory instanceof ConfigurableBeanFactory configurable)
				? new EmbeddedValueResolver(configurable) : null;
		boolean retryActive = beanFactory instanceof ListableBeanFactory listable
				&& RetryableAttempts.isActiveIn(listable);
		this.interceptor.configure(values, retryActive);
	}

	@Nullable StringValueResolver values() {
		return this.interceptor.values();
	}

	boolean retryActive() {
		return this.interceptor.retryActive();
	}

	boolean listeners() {
		return this.interceptor.listeners();
	}

	@Override
	public Pointcut getPointcut() {
		return this.pointcut;
	}

	@Override
	public Advice getAdvice() {
		return this.interceptor;
	}

	private static final class TracedJobPointcut extends StaticMethodMatcherPointcut {

		private final boolean listeners;

		TracedJobPointcut(boolean listeners) {
			this.listeners = listeners;
		}

		@Override
		public boolean matches(Method method, Class<?> targetClass) {
			return TracedMethod.isTraced(method, targetClass, this.listeners);
		}

	}

}
