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
import org.springframework.util.backoff.BackOffExecution;

/**
 * Tells whether a failed attempt of a method annotated with Spring Framework 7's {@code @Retryable} will be
 * tried again, so that it is counted as {@code result="retry"}; the last attempt is then classified by what
 * follows it (a listener's broker may still deliver the message again).
 * <p>
 * The decision is Spring's own: a {@link RetryPolicy} built from the annotation as Spring's retry interceptor
 * builds it (includes, excludes and predicate, matched on the cause chain too, and {@code maxRetries}), asked as
 * {@code RetryTemplate} asks it: an attempt is tried again when the policy accepts the failure and the back-off
 * execution started for the call does not stop. Spring's interceptor sits outside ours and runs each attempt
 * through a clone of the method invocation; the clones share one map of user attributes, where the call's
 * back-off execution is kept. A {@code timeout} is not evaluated: an attempt it stops is still counted as a retry.
 */
final class RetryableAttempts {

	private static final boolean PRESENT = ClassUtils.isPresent(
			"org.springframework.resilience.annotation.Retryable", RetryableAttempts.class.getClassLoader());

	private static final String BACK_OFF = RetryableAttempts.class.getName() + ".backOff";

	private final RetryPolicy policy;

	private RetryableAttempts(RetryPolicy policy) {
		this.policy = policy;
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
			.excludes(Arrays.asList(retryable.excludes()))
			.maxRetries(maxRetries(retryable, values));
		if (retryable.predicate() != MethodRetryPredicate.class) {
			policy.predicate(BeanUtils.instantiateClass(retryable.predicate()).forMethod(method));
		}
		return new RetryableAttempts(policy.build());
	}

	/**
	 * Advances the call's back-off past a failed attempt, as Spring's retry template does, and tells whether
	 * Spring will try the call again.
	 */
	boolean willRetry(MethodInvocation invocation, Throwable failure) {
		if (!(invocation instanceof ProxyMethodInvocation attempt) || !this.policy.shouldRetry(failure)) {
			return false;
		}
		// Started with the first failure: a call that succeeds at once costs nothing here.
		BackOffExecution backOff = (attempt.getUserAttribute(BACK_OFF) instanceof BackOffExecution started)
				? started : this.policy.getBackOff().start();
		attempt.setUserAttribute(BACK_OFF, backOff);
		return backOff.nextBackOff() != BackOffExecution.STOP;
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
