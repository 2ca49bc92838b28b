package io.github.jobmetrics.messaging.amqp;

import java.lang.reflect.Field;

import org.aopalliance.aop.Advice;
import org.jspecify.annotations.Nullable;

import org.springframework.amqp.rabbit.config.StatefulRetryOperationsInterceptor;
import org.springframework.amqp.rabbit.config.StatelessRetryOperationsInterceptor;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.core.retry.RetryTemplate;
import org.springframework.util.backoff.BackOffExecution;

/**
 * The retry interceptors of Spring AMQP 4, over Spring Framework 7's retry support. A stateless interceptor's
 * decision is Spring's own {@link RetryPolicy}, read from its {@link RetryTemplate}: an attempt is tried again
 * when the policy accepts the failure and a back-off execution started for the delivery does not stop, exactly as
 * {@code RetryTemplate} decides. The policy's timeout is not evaluated. The interceptor keeps its template in a
 * private field without a getter (verified on Spring AMQP 4.0 and 4.1); without it, the retries are counted as
 * failures. A stateful interceptor rejects each failed attempt back to the broker and decides on the next
 * delivery, without calling the listener, whether to give up: which attempt was the last is not known when it
 * fails.
 */
final class CoreRetryInterceptors implements InMemoryRetry.Interceptors {

	static final String STATELESS = "org.springframework.amqp.rabbit.config.StatelessRetryOperationsInterceptor";

	static final String RETRY_TEMPLATE = "org.springframework.core.retry.RetryTemplate";

	static final String RETRY_OPERATIONS = "retryOperations";

	private static final @Nullable Field retryOperations = SpringAmqpMembers.field(
			StatelessRetryOperationsInterceptor.class, RETRY_OPERATIONS,
			"each failed attempt of a listener with a stateless retry interceptor counts as failure, none as retry");

	@Override
	public @Nullable InMemoryRetry of(Advice advice) {
		if (advice instanceof StatelessRetryOperationsInterceptor stateless) {
			Object operations = SpringAmqpMembers.read(retryOperations, stateless);
			if (operations instanceof RetryTemplate template) {
				return InMemoryRetry.following(new Followed(template.getRetryPolicy()));
			}
			return InMemoryRetry.UNKNOWN;
		}
		if (advice instanceof StatefulRetryOperationsInterceptor) {
			return InMemoryRetry.UNKNOWN;
		}
		return null;
	}

	private record Followed(RetryPolicy policy) implements InMemoryRetry.Policy {

		@Override
		public BackOffExecution start() {
			return this.policy.getBackOff().start();
		}

		@Override
		public boolean willRetry(BackOffExecution attempts, Throwable failure) {
			return this.policy.shouldRetry(failure) && attempts.nextBackOff() != BackOffExecution.STOP;
		}

	}

}
