package io.github.jobmetrics.aop;

import java.lang.reflect.Method;

import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.ProxyMethodInvocation;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.resilience.annotation.Retryable;
import org.springframework.util.ClassUtils;

/**
 * Tells whether a failed attempt of a method annotated with Spring Framework 7's {@code @Retryable} will be
 * tried again, so that it is counted as {@code result="retry"} and only the last attempt as a failure.
 * <p>
 * Spring's retry interceptor sits outside ours and runs each attempt through a clone of the method
 * invocation; the clones share one map of user attributes, which is where the attempts are counted. The
 * decision follows the annotation's {@code includes}, {@code excludes} and {@code maxRetries}; a custom
 * {@code predicate}, a {@code maxRetriesString} placeholder and a {@code timeout} are not evaluated, so an
 * attempt that they stop is still counted as a retry.
 */
final class RetryableAttempts {

	private static final boolean PRESENT = ClassUtils.isPresent(
			"org.springframework.resilience.annotation.Retryable", RetryableAttempts.class.getClassLoader());

	private static final String ATTEMPTS = RetryableAttempts.class.getName() + ".attempts";

	private final Class<? extends Throwable>[] includes;

	private final Class<? extends Throwable>[] excludes;

	private final long maxRetries;

	private RetryableAttempts(Retryable retryable) {
		this.includes = retryable.includes();
		this.excludes = retryable.excludes();
		this.maxRetries = maxRetries(retryable);
	}

	static @Nullable RetryableAttempts of(Method method, Class<?> targetClass) {
		if (!PRESENT) {
			return null;
		}
		Retryable retryable = AnnotatedElementUtils.findMergedAnnotation(method, Retryable.class);
		if (retryable == null) {
			retryable = AnnotatedElementUtils.findMergedAnnotation(targetClass, Retryable.class);
		}
		return (retryable != null) ? new RetryableAttempts(retryable) : null;
	}

	/**
	 * Counts a failed attempt of the invocation and tells whether Spring will try it again.
	 */
	boolean willRetry(MethodInvocation invocation, Throwable failure) {
		if (!(invocation instanceof ProxyMethodInvocation attempt) || !isRetryable(failure)) {
			return false;
		}
		Object previous = attempt.getUserAttribute(ATTEMPTS);
		long failedAttempts = ((previous instanceof Long count) ? count : 0) + 1;
		attempt.setUserAttribute(ATTEMPTS, failedAttempts);
		return failedAttempts <= this.maxRetries;
	}

	private boolean isRetryable(Throwable failure) {
		for (Class<? extends Throwable> excluded : this.excludes) {
			if (excluded.isInstance(failure)) {
				return false;
			}
		}
		if (this.includes.length == 0) {
			return true;
		}
		for (Class<? extends Throwable> included : this.includes) {
			if (included.isInstance(failure)) {
				return true;
			}
		}
		return false;
	}

	private static long maxRetries(Retryable retryable) {
		try {
			return retryable.maxRetriesString().isBlank() ? retryable.maxRetries()
					: Long.parseLong(retryable.maxRetriesString().strip());
		}
		catch (NumberFormatException ex) {
			return retryable.maxRetries();
		}
	}

}
