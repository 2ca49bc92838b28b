package io.github.jobmetrics.aop;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.ProxyMethodInvocation;
import org.springframework.beans.BeanUtils;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.resilience.annotation.RetryAnnotationBeanPostProcessor;
import org.springframework.resilience.annotation.Retryable;
import org.springframework.resilience.retry.MethodRetryPredicate;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringValueResolver;

/**
 * Tells whether a failed attempt of a method annotated with Spring Framework 7's {@code @Retryable} will be
 * tried again, so that it is counted as {@code result="retry"} and the last attempt as a failure.
 * <p>
 * The decision is Spring's own: a {@link RetryPolicy} built from the annotation as Spring's retry interceptor
 * builds it (includes, excludes and predicate, matched on the cause chain too), so the two cannot disagree on
 * which exceptions are retried. Spring's interceptor sits outside ours and runs each attempt through a clone of
 * the method invocation; the clones share one map of user attributes, where the attempts are counted against
 * {@code maxRetries}. A {@code timeout} is not evaluated: an attempt it stops is still counted as a retry.
 */
final class RetryableAttempts {

	private static final boolean PRESENT = ClassUtils.isPresent(
			"org.springframework.resilience.annotation.Retryable", RetryableAttempts.class.getClassLoader());

	private static final String ATTEMPTS = RetryableAttempts.class.getName() + ".attempts";

	private final RetryPolicy policy;

	private final long maxRetries;

	private RetryableAttempts(RetryPolicy policy, long maxRetries) {
		this.policy = policy;
		this.maxRetries = maxRetries;
	}

	/**
	 * Tells whether Spring will retry {@code @Retryable} methods in the given context at all: only where
	 * {@code @EnableResilientMethods} (or a {@code RetryAnnotationBeanPostProcessor} of the application's) applies
	 * Spring's retry interceptor. Elsewhere the annotation is inert, and every failure is final.
	 */
	static boolean isActiveIn(ListableBeanFactory beanFactory) {
		return PRESENT && beanFactory.getBeanNamesForType(RetryAnnotationBeanPostProcessor.class, true, false).length > 0;
	}

	static @Nullable RetryableAttempts of(Method method, Class<?> targetClass, @Nullable StringValueResolver values) {
		if (!PRESENT) {
			return null;
		}
		Retryable retryable = AnnotatedElementUtils.findMergedAnnotation(method, Retryable.class);
		if (retryable == null) {
			retryable = AnnotatedElementUtils.findMergedAnnotation(targetClass, Retryable.class);
		}
		if (retryable == null) {
			return null;
		}
		List<Class<? extends Throwable>> includes = new ArrayList<>(Arrays.asList(retryable.includes()));
		includes.addAll(Arrays.asList(retryable.value()));
		RetryPolicy.Builder policy = RetryPolicy.builder()
			.includes(includes)
			.excludes(Arrays.asList(retryable.excludes()));
		if (retryable.predicate() != MethodRetryPredicate.class) {
			policy.predicate(BeanUtils.instantiateClass(retryable.predicate()).forMethod(method));
		}
		return new RetryableAttempts(policy.build(), maxRetries(retryable, values));
	}

	/**
	 * Counts a failed attempt of the invocation and tells whether Spring will try it again.
	 */
	boolean willRetry(MethodInvocation invocation, Throwable failure) {
		if (!(invocation instanceof ProxyMethodInvocation attempt) || !this.policy.shouldRetry(failure)) {
			return false;
		}
		Object previous = attempt.getUserAttribute(ATTEMPTS);
		long failedAttempts = ((previous instanceof Long count) ? count : 0) + 1;
		attempt.setUserAttribute(ATTEMPTS, failedAttempts);
		return failedAttempts <= this.maxRetries;
	}

	private static long maxRetries(Retryable retryable, @Nullable StringValueResolver values) {
		String text = retryable.maxRetriesString();
		if (text.isBlank()) {
			return retryable.maxRetries();
		}
		try {
			String resolved = (values != null) ? values.resolveStringValue(text) : text;
			return Long.parseLong((resolved != null) ? resolved.strip() : text.strip());
		}
		catch (RuntimeException ex) {
			return retryable.maxRetries();
		}
	}

}
