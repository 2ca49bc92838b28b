package io.github.jobmetrics.aop;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.concurrent.CompletionStage;

import io.github.jobmetrics.JobRun;
import io.github.jobmetrics.TracedJob;
import io.github.jobmetrics.internal.Deliveries;
import io.github.jobmetrics.internal.MeteringFailures;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.Aware;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.context.Lifecycle;
import org.springframework.context.Phased;
import org.springframework.core.KotlinDetector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringValueResolver;

/**
 * A method traced by {@link TracedJob @TracedJob}, resolved once: its job name, queue, where Spring Framework's
 * {@code @Retryable} applies which failed attempts will be retried, and whether a listener container calls it
 * with each delivery, so that its run claims the delivery, and whether what it returns may be a
 * {@link CompletionStage}, whose completion ends the run.
 */
record TracedMethod(String jobName, String queue, @Nullable RetryableAttempts retries, boolean reactive,
		@Nullable EnqueueTimeExpression enqueueTime, int messageArgument, boolean receivesDeliveries,
		boolean mayReturnStage) {

	private static final boolean messagingPresent = ClassUtils.isPresent(
			"org.springframework.messaging.Message", TracedMethod.class.getClassLoader());

	// Container callbacks that a class-level annotation must not turn into jobs: the lifecycle processor polls
	// isRunning(), and none of them is work.
	private static final List<Class<?>> CALLBACKS = List.of(Object.class, Lifecycle.class, Phased.class,
			InitializingBean.class, DisposableBean.class, Aware.class);

	/**
	 * Finds the annotation a method of a class runs under: the method's own, else, for a public method declared
	 * by an annotated class (or a subclass of one), the class's, as Spring scopes a class-level
	 * {@code @Transactional}. Never for methods of {@code Object} or container callbacks.
	 */
	static @Nullable TracedJob annotationFor(Method method, Class<?> targetClass) {
		Class<?> userClass = ClassUtils.getUserClass(targetClass);
		Method specific = AopUtils.getMostSpecificMethod(method, userClass);
		TracedJob annotation = AnnotatedElementUtils.findMergedAnnotation(specific, TracedJob.class);
		if (annotation == null && isTraceableByClass(specific, userClass)) {
			annotation = AnnotatedElementUtils.findMergedAnnotation(specific.getDeclaringClass(), TracedJob.class);
		}
		return annotation;
	}

	/**
	 * Returns whether a method of a class is traced: annotated as {@link #annotationFor} finds, or, with
	 * {@code listeners}, a message listener method.
	 */
	static boolean isTraced(Method method, Class<?> targetClass, boolean listeners) {
		return annotationFor(method, targetClass) != null
				|| (listeners && ListenerMethods.isListener(method, targetClass));
	}

	/**
	 * Resolves the job a method of a class runs as, with {@code ${...}} placeholders and {@code #{...}}
	 * expressions of its name and queue resolved; {@code null} if it is not traced.
	 * @throws IllegalArgumentException if a placeholder cannot be resolved
	 */
	static @Nullable TracedMethod resolve(Method method, Class<?> targetClass, @Nullable StringValueResolver values,
			boolean retryActive, boolean listeners) {
		TracedJob annotation = annotationFor(method, targetClass);
		String listenerQueue = (annotation == null && listeners) ? ListenerMethods.queue(method, targetClass, values)
				: null;
		if (annotation == null && listenerQueue == null) {
			return null;
		}
		Class<?> userClass = ClassUtils.getUserClass(targetClass);
		String name = (annotation != null) ? resolved(annotation.name(), values) : "";
		if (name.isEmpty()) {
			name = userClass.getSimpleName() + "." + method.getName();
		}
		String queue = (annotation != null) ? resolved(annotation.queue(), values) : listenerQueue;
		Method specific = AopUtils.getMostSpecificMethod(method, userClass);
		// Spring hands advice a Mono for a Kotlin suspend function (with kotlinx-coroutines-reactor present).
		boolean reactive = ReactorRuns.isReactive(method.getReturnType()) || KotlinDetector.isSuspendingFunction(method);
		return new TracedMethod(name, queue, retryActive ? RetryableAttempts.of(specific, userClass, values) : null,
				reactive, (annotation != null) ? EnqueueTimeExpression.parse(annotation.enqueuedAt(), specific) : null,
				messagingPresent ? MessageTimestamps.argumentIndex(method) : -1,
				ListenerMethods.receivesDeliveries(method, targetClass), mayReturnStage(method.getReturnType()));
	}

	/**
	 * Returns whether a method declared to return the given type may return a {@link CompletionStage}: not when it
	 * returns a primitive or nothing, nor a final class that is not one. Only the results of the others are tested at
	 * each call: on Java 17, testing an object against an interface that its class lacks searches every interface
	 * of the class, about 20 ns a call.
	 */
	static boolean mayReturnStage(Class<?> returnType) {
		if (returnType.isPrimitive()) {
			return false;
		}
		return !Modifier.isFinal(returnType.getModifiers()) || CompletionStage.class.isAssignableFrom(returnType);
	}

	/**
	 * Observes the enqueue time that the method's {@code enqueuedAt} expression finds in its arguments, if it has
	 * one; else, where no listener container is delivering on this thread (whose hooks know better, and whose
	 * delivery only the listener's run observes), the producer's send time in the headers of a Spring Messaging
	 * {@code Message} argument. A failing expression or tracer is logged, never passed to the job.
	 * @param run the run that has just started
	 * @param invocation the call
	 */
	void observeEnqueueTime(JobRun run, MethodInvocation invocation) {
		EnqueueTimeExpression expression = this.enqueueTime;
		if (expression == null && (this.messageArgument < 0 || Deliveries.isUnderWay())) {
			return;
		}
		try {
			if (expression != null) {
				long epochMillis = expression.epochMillis(invocation.getArguments());
				if (epochMillis != EnqueueTimeExpression.NONE) {
					run.enqueuedAt(epochMillis);
				}
			}
			else {
				MessageTimestamps.observe(invocation.getArguments()[this.messageArgument], run);
			}
		}
		catch (RuntimeException | LinkageError ex) {
			MeteringFailures.log("observe the enqueue time of a run of job '" + this.jobName + "'", ex);
		}
	}

	private static String resolved(String value, @Nullable StringValueResolver values) {
		String resolved = (values != null && !value.isBlank()) ? values.resolveStringValue(value) : value;
		return (resolved != null) ? resolved.strip() : "";
	}

	private static boolean isTraceableByClass(Method method, Class<?> userClass) {
		int modifiers = method.getModifiers();
		if (!Modifier.isPublic(modifiers) || Modifier.isStatic(modifiers) || method.isSynthetic()
				|| method.isBridge()) {
			return false;
		}
		for (Class<?> callbacks : CALLBACKS) {
			if (callbacks.isAssignableFrom(userClass) && declares(callbacks, method)) {
				return false;
			}
		}
		return true;
	}

	private static boolean declares(Class<?> type, Method method) {
		if (ClassUtils.hasMethod(type, method.getName(), method.getParameterTypes())) {
			return true;
		}
		if (type == Aware.class) {
			return method.getName().startsWith("set") && method.getParameterCount() == 1
					&& ClassUtils.getAllInterfacesForClassAsSet(method.getDeclaringClass())
						.stream()
						.anyMatch((iface) -> Aware.class.isAssignableFrom(iface)
								&& ClassUtils.hasMethod(iface, method.getName(), method.getParameterTypes()));
		}
		return false;
	}

}
