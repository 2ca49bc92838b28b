package io.github.jobmetrics.quartz;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;

import io.github.jobmetrics.TracedJob;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;
import org.springframework.util.StringValueResolver;

/**
 * How the executions of one Quartz job class are traced: by the {@code @TracedJob} the advisor finds on the method
 * Quartz runs ({@code executeInternal} of a {@code QuartzJobBean}, else {@code execute}), when there is one, else by
 * the listener alone. The annotation is found as the advisor finds it: on the method, or on the class for a public
 * method.
 *
 * @param annotatedName the job name of its {@code @TracedJob}, {@code null} when the method Quartz runs has none
 * @param annotatedQueue the queue of its {@code @TracedJob}, {@code null} for none
 * @param unreachableAnnotation a description of a class-level {@code @TracedJob} that no proxy can apply, else
 * {@code null}
 */
record JobClass(@Nullable String annotatedName, @Nullable String annotatedQueue,
		@Nullable String unreachableAnnotation) {

	private static final String QUARTZ_JOB_BEAN = "org.springframework.scheduling.quartz.QuartzJobBean";

	static JobClass of(Class<?> type, @Nullable StringValueResolver values) {
		Class<?> userClass = ClassUtils.getUserClass(type);
		Method executed = executedMethod(userClass);
		if (executed == null) {
			return new JobClass(null, null, null);
		}
		Method specific = AopUtils.getMostSpecificMethod(executed, userClass);
		TracedJob annotation = AnnotatedElementUtils.findMergedAnnotation(specific, TracedJob.class);
		TracedJob onClass = AnnotatedElementUtils.findMergedAnnotation(userClass, TracedJob.class);
		if (annotation == null && onClass != null) {
			if (Modifier.isPublic(specific.getModifiers())) {
				annotation = onClass;
			}
			else {
				// QuartzJobBean: Quartz calls the final execute(), which a proxy cannot override, and that calls the
				// protected executeInternal(), which a class-level @TracedJob does not cover.
				return new JobClass(null, null, "@TracedJob on class " + userClass.getName()
						+ " covers its public methods, but Quartz calls the final execute() of QuartzJobBean, which no"
						+ " proxy can intercept, and its protected executeInternal(), which a class-level @TracedJob"
						+ " does not cover");
			}
		}
		if (annotation == null) {
			return new JobClass(null, null, null);
		}
		String name = resolved(annotation.name(), values);
		String queue = resolved(annotation.queue(), values);
		return new JobClass(name.isEmpty() ? userClass.getSimpleName() + "." + executed.getName() : name,
				queue.isEmpty() ? null : queue, null);
	}

	boolean annotated() {
		return this.annotatedName != null;
	}

	private static @Nullable Method executedMethod(Class<?> userClass) {
		if (isQuartzJobBean(userClass)) {
			return Arrays.stream(ReflectionUtils.getUniqueDeclaredMethods(userClass))
				.filter((method) -> method.getName().equals("executeInternal") && method.getParameterCount() == 1
						&& !method.isBridge())
				.findFirst()
				.orElse(null);
		}
		return ReflectionUtils.findMethod(userClass, "execute", org.quartz.JobExecutionContext.class);
	}

	// By name: Spring's context-support module, which declares it, is not a dependency of job-metrics.
	private static boolean isQuartzJobBean(Class<?> userClass) {
		for (Class<?> type = userClass; type != null; type = type.getSuperclass()) {
			if (type.getName().equals(QUARTZ_JOB_BEAN)) {
				return true;
			}
		}
		return false;
	}

	private static String resolved(String value, @Nullable StringValueResolver values) {
		String resolved = (values != null && !value.isBlank()) ? values.resolveStringValue(value) : value;
		return (resolved != null) ? resolved.strip() : "";
	}

}
