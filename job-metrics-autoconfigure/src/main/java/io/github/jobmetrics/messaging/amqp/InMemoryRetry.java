package io.github.jobmetrics.messaging.amqp;

import java.lang.reflect.Field;

import org.aopalliance.aop.Advice;
import org.jspecify.annotations.Nullable;

import org.springframework.amqp.rabbit.config.StatefulRetryOperationsInterceptor;
import org.springframework.amqp.rabbit.config.StatelessRetryOperationsInterceptor;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.core.retry.RetryTemplate;
import org.springframework.util.ReflectionUtils;
import org.springframework.util.backoff.BackOffExecution;

/**
 * The retry interceptor that Spring Boot (spring.rabbitmq.listener.*.retry) or the application put in a
 * container's advice chain, outside the listener: it calls the listener again, in memory, before the broker
 * hears of a failure.
 * <p>
 * A stateless interceptor's decision is Spring's own {@link RetryPolicy}, read from its {@link RetryTemplate}:
 * an attempt is tried again when the policy accepts the failure and a back-off execution started for the
 * delivery does not stop, exactly as {@code RetryTemplate} decides. The policy's timeout is not evaluated. A
 * stateful interceptor rejects each failed attempt back to the broker and decides on the next delivery, without
 * calling the listener, whether to give up: which attempt was the last is not known when it fails.
 */
final class InMemoryRetry {

	private static final @Nullable Field RETRY_OPERATIONS = ReflectionUtils
		.findField(StatelessRetryOperationsInterceptor.class, "retryOperations");

	static {
		if (RETRY_OPERATIONS != null) {
			ReflectionUtils.makeAccessible(RETRY_OPERATIONS);
		}
	}

	/** What kind of in-memory retry a container has. */
	enum Kind {

		/** None: the broker alone decides what follows a failure. */
		NONE,

		/** Stateless, with a policy this class can follow. */
		STATELESS,

		/** Stateful, or stateless with a policy that cannot be read: the last attempt is not known. */
		UNKNOWN

	}

	private final Kind kind;

	private final @Nullable RetryPolicy policy;

	private InMemoryRetry(Kind kind, @Nullable RetryPolicy policy) {
		this.kind = kind;
		this.policy = policy;
	}

	static InMemoryRetry in(Advice @Nullable [] chain) {
		if (chain == null) {
			return new InMemoryRetry(Kind.NONE, null);
		}
		for (Advice advice : chain) {
			if (advice instanceof StatelessRetryOperationsInterceptor stateless) {
				RetryPolicy policy = policyOf(stateless);
				return (policy != null) ? new InMemoryRetry(Kind.STATELESS, policy)
						: new InMemoryRetry(Kind.UNKNOWN, null);
			}
			if (advice instanceof StatefulRetryOperationsInterceptor) {
				return new InMemoryRetry(Kind.UNKNOWN, null);
			}
		}
		return new InMemoryRetry(Kind.NONE, null);
	}

	private static @Nullable RetryPolicy policyOf(StatelessRetryOperationsInterceptor interceptor) {
		if (RETRY_OPERATIONS == null) {
			return null;
		}
		Object operations = ReflectionUtils.getField(RETRY_OPERATIONS, interceptor);
		return (operations instanceof RetryTemplate template) ? template.getRetryPolicy() : null;
	}

	Kind kind() {
		return this.kind;
	}

	/**
	 * Starts following the attempts at one delivery.
	 */
	BackOffExecution start() {
		return this.policy.getBackOff().start();
	}

	/**
	 * Tells whether the interceptor calls the listener again after this failure, advancing the delivery's
	 * back-off as the interceptor advances its own.
	 */
	boolean willRetry(BackOffExecution attempts, Throwable failure) {
		return this.policy.shouldRetry(failure) && attempts.nextBackOff() != BackOffExecution.STOP;
	}

}
