package io.github.jobmetrics.scheduling;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

import io.github.jobmetrics.TracedJob;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * The job a {@code @Scheduled} method runs as.
 *
 * @param name the job name
 * @param queue the queue tag, {@code none} when the job has none
 * @param tracedByScheduler whether the scheduler traces its runs (zero-code); {@code false} when an explicit
 * {@link TracedJob @TracedJob} does, through the advisor
 */
record ScheduledJob(String name, String queue, boolean tracedByScheduler) {

	static final String NONE = "none";

	/**
	 * Resolves the job of a {@code @Scheduled} method of a bean class: the one its {@link TracedJob @TracedJob}
	 * names, found as the advisor finds it (method first, then the class for a public method), else, when
	 * unannotated methods are traced, {@code SimpleClassName.method} with no queue.
	 */
	static @Nullable ScheduledJob resolve(Method method, Class<?> userClass, boolean traceUnannotated) {
		Method specific = AopUtils.getMostSpecificMethod(method, userClass);
		TracedJob annotation = AnnotatedElementUtils.findMergedAnnotation(specific, TracedJob.class);
		if (annotation == null && Modifier.isPublic(specific.getModifiers())
				&& !Modifier.isStatic(specific.getModifiers())) {
			annotation = AnnotatedElementUtils.findMergedAnnotation(userClass, TracedJob.class);
		}
		String defaultName = userClass.getSimpleName() + "." + method.getName();
		if (annotation != null) {
			String name = annotation.name().isBlank() ? defaultName : annotation.name().strip();
			String queue = annotation.queue().isBlank() ? NONE : annotation.queue().strip();
			return new ScheduledJob(name, queue, false);
		}
		return traceUnannotated ? new ScheduledJob(defaultName, NONE, true) : null;
	}

}
