package io.github.jobmetrics.messaging.amqp;

import java.util.ArrayList;
import java.util.List;

import org.aopalliance.aop.Advice;
import org.jspecify.annotations.Nullable;

import org.springframework.util.ClassUtils;
import org.springframework.util.backoff.BackOffExecution;

/**
 * The retry interceptor that Spring Boot (spring.rabbitmq.listener.*.retry) or the application put in a
 * container's advice chain, outside the listener: it calls the listener again, in memory, before the broker
 * hears of a failure.
 * <p>
 * Which interceptors exist depends on the Spring AMQP version: Spring AMQP 4 has its own, over Spring Framework 7's
 * {@code RetryPolicy} ({@link CoreRetryInterceptors}, whose stateless one can be followed); Spring AMQP 3.2 (Spring
 * Boot 3.5) uses spring-retry's ({@link SpringRetryInterceptors}, which cannot). Each is a class of its own, used
 * only where its types exist.
 */
final class InMemoryRetry {

	static final InMemoryRetry NONE = new InMemoryRetry(Kind.NONE, null);

	static final InMemoryRetry UNKNOWN = new InMemoryRetry(Kind.UNKNOWN, null);

	private static final List<Interceptors> INTERCEPTORS = interceptors(InMemoryRetry.class.getClassLoader());

	/** What kind of in-memory retry a container has. */
	enum Kind {

		/** None: the broker alone decides what follows a failure. */
		NONE,

		/** Stateless, with a policy this class can follow. */
		STATELESS,

		/** Stateful, or stateless with a policy that cannot be read: the last attempt is not known. */
		UNKNOWN

	}

	/**
	 * A stateless interceptor's policy, as the interceptor applies it to the attempts at one delivery.
	 */
	interface Policy {

		/** Starts following the attempts at one delivery, with its first failure. */
		BackOffExecution start();

		/** Tells whether the interceptor calls the listener again after this failure, advancing the back-off. */
		boolean willRetry(BackOffExecution attempts, Throwable failure);

	}

	/**
	 * The retry interceptors of one library.
	 */
	interface Interceptors {

		/** The retry that the advice makes, {@code null} if it is none of this library's retry interceptors. */
		@Nullable InMemoryRetry of(Advice advice);

	}

	private final Kind kind;

	private final @Nullable Policy policy;

	private InMemoryRetry(Kind kind, @Nullable Policy policy) {
		this.kind = kind;
		this.policy = policy;
	}

	static InMemoryRetry following(Policy policy) {
		return new InMemoryRetry(Kind.STATELESS, policy);
	}

	static InMemoryRetry in(Advice @Nullable [] chain) {
		if (chain == null) {
			return NONE;
		}
		for (Advice advice : chain) {
			for (Interceptors interceptors : INTERCEPTORS) {
				InMemoryRetry retry = interceptors.of(advice);
				if (retry != null) {
					return retry;
				}
			}
		}
		return NONE;
	}

	Kind kind() {
		return this.kind;
	}

	/**
	 * Starts following the attempts at one delivery.
	 */
	BackOffExecution start() {
		return policy().start();
	}

	/**
	 * Tells whether the interceptor calls the listener again after this failure, advancing the delivery's
	 * back-off as the interceptor advances its own.
	 */
	boolean willRetry(BackOffExecution attempts, Throwable failure) {
		return policy().willRetry(attempts, failure);
	}

	private Policy policy() {
		if (this.policy == null) {
			throw new IllegalStateException("No policy to follow for a " + this.kind + " retry");
		}
		return this.policy;
	}

	private static List<Interceptors> interceptors(@Nullable ClassLoader classLoader) {
		List<Interceptors> interceptors = new ArrayList<>(2);
		if (ClassUtils.isPresent(CoreRetryInterceptors.STATELESS, classLoader)
				&& ClassUtils.isPresent(CoreRetryInterceptors.RETRY_TEMPLATE, classLoader)) {
			interceptors.add(new CoreRetryInterceptors());
		}
		if (ClassUtils.isPresent(SpringRetryInterceptors.STATELESS, classLoader)) {
			interceptors.add(new SpringRetryInterceptors(classLoader));
		}
		return List.copyOf(interceptors);
	}

}
