package io.github.jobmetrics.aop;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

import io.github.jobmetrics.TracedJob;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;

/**
 * A method traced by {@link TracedJob @TracedJob}, resolved once: its job name, queue and, where Spring
 * Framework's {@code @Retryable} applies, which failed attempts will be retried.
 */
record TracedMethod(String jobName, String queue, @Nullable RetryableAttempts retries) {

	/**
	 * Resolves the job a method of a class runs as: the method's own annotation, else the class's for a
	 * public method; {@code null} if neither is annotated.
	 */
	static @Nullable TracedMethod resolve(Method method, Class<?> targetClass) {
		Class<?> userClass = ClassUtils.getUserClass(targetClass);
		Method specific = AopUtils.getMostSpecificMethod(method, userClass);
		TracedJob annotation = AnnotatedElementUtils.findMergedAnnotation(specific, TracedJob.class);
		if (annotation == null && isTraceableByClass(specific)) {
			annotation = AnnotatedElementUtils.findMergedAnnotation(userClass, TracedJob.class);
		}
		if (annotation == null) {
			return null;
		}
		String name = annotation.name().isBlank() ? userClass.getSimpleName() + "." + method.getName()
				: annotation.name().strip();
		return new TracedMethod(name, annotation.queue().strip(), RetryableAttempts.of(specific, userClass));
	}

	private static boolean isTraceableByClass(Method method) {
		return Modifier.isPublic(method.getModifiers()) && !Modifier.isStatic(method.getModifiers())
				&& method.getDeclaringClass() != Object.class && !method.isSynthetic();
	}

}
