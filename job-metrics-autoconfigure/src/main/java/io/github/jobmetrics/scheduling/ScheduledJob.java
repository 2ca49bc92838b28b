package io.github.jobmetrics.scheduling;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

import io.github.jobmetrics.TracedJob;
import org.jspecify.annotations.Nullable;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.aop.support.AopUtils;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.scheduling.annotation.Async;

/**
 * The job a {@code @Scheduled} method runs as.
 *
 * @param name the job name
 * @param queue the queue tag, {@code none} when the job has none
 * @param tracedByScheduler whether the scheduler traces its runs (zero-code); {@code false} when an explicit
 * {@link TracedJob @TracedJob} does, through the advisor
 */
record ScheduledJob(String name, String queue, boolean tracedByScheduler) {

	private static final Log logger = LogFactory.getLog(ScheduledJob.class);

	static final String NONE = "none";

	/**
	 * Resolves the job of a {@code @Scheduled} method of a bean class: the one its {@link TracedJob @TracedJob}
	 * names, found as the advisor finds it (method first, then the class for a public method), else, when
	 * unannotated methods are traced, {@code SimpleClassName.method} with no queue, whose runs the scheduler traces
	 * unless the method is {@code @Async} (the async integration traces those where they run).
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
		if (!traceUnannotated) {
			return null;
		}
		if (AnnotatedElementUtils.hasAnnotation(specific, Async.class)
				|| AnnotatedElementUtils.hasAnnotation(userClass, Async.class)) {
			// The scheduler's thread only hands the call to an executor: a run there would last microseconds and,
			// with job-metrics.instrument.async, count each tick twice. Its schedule lag is still the scheduler's.
			logger.info("job-metrics does not trace the @Scheduled method " + defaultName + " on the scheduler's"
					+ " thread: it is @Async, so its work runs on an executor. With job-metrics.instrument.async=true"
					+ " (or @TracedJob on the method) each call is one run there, of the same job name.");
			return new ScheduledJob(defaultName, NONE, false);
		}
		return new ScheduledJob(defaultName, NONE, true);
	}

}
