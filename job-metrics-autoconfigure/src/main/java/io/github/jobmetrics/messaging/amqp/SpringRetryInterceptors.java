package io.github.jobmetrics.messaging.amqp;

import java.util.concurrent.atomic.AtomicBoolean;

import org.aopalliance.aop.Advice;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.util.ClassUtils;

/**
 * The retry interceptors of spring-retry, which Spring AMQP 3.2 (Spring Boot 3.5) puts in a listener container's
 * advice chain for {@code spring.rabbitmq.listener.*.retry}. Their policy is in private fields of spring-retry
 * without getters, which the starter does not read: a failed attempt under either interceptor counts as
 * {@code failure}, and the first container that has a stateless one says so once at start-up. Matched by class
 * name, so that spring-retry need not be on the classpath.
 */
final class SpringRetryInterceptors implements InMemoryRetry.Interceptors {

	static final String STATELESS = "org.springframework.retry.interceptor.RetryOperationsInterceptor";

	static final String STATEFUL = "org.springframework.retry.interceptor.StatefulRetryOperationsInterceptor";

	private static final Log logger = LogFactory.getLog(SpringRetryInterceptors.class);

	private static final AtomicBoolean warned = new AtomicBoolean();

	private final @Nullable Class<?> stateless;

	private final @Nullable Class<?> stateful;

	SpringRetryInterceptors(@Nullable ClassLoader classLoader) {
		this.stateless = resolve(STATELESS, classLoader);
		this.stateful = resolve(STATEFUL, classLoader);
	}

	@Override
	public @Nullable InMemoryRetry of(Advice advice) {
		if (this.stateless != null && this.stateless.isInstance(advice)) {
			if (warned.compareAndSet(false, true)) {
				logger.warn("job-metrics cannot follow spring-retry's stateless RetryOperationsInterceptor (the "
						+ "in-memory retry of Spring AMQP 3.x, spring.rabbitmq.listener.*.retry): each failed attempt "
						+ "of a RabbitMQ listener with it counts as job.executions result=failure, none as retry. "
						+ "Spring AMQP 4 (Spring Boot 4) tells them apart.");
			}
			return InMemoryRetry.UNKNOWN;
		}
		if (this.stateful != null && this.stateful.isInstance(advice)) {
			return InMemoryRetry.UNKNOWN;
		}
		return null;
	}

	private static @Nullable Class<?> resolve(String name, @Nullable ClassLoader classLoader) {
		return ClassUtils.isPresent(name, classLoader) ? ClassUtils.resolveClassName(name, classLoader) : null;
	}

}
