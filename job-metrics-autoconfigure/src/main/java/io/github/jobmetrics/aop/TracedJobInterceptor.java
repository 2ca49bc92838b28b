package io.github.jobmetrics.aop;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.github.jobmetrics.JobRun;
import io.github.jobmetrics.JobTracer;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.util.function.SingletonSupplier;

/**
 * Runs each call of a {@link io.github.jobmetrics.TracedJob @TracedJob} method as one run of its job. The
 * method's result and exception pass through unchanged.
 */
final class TracedJobInterceptor implements MethodInterceptor {

	private static final TracedMethod NOT_TRACED = new TracedMethod("", "", null);

	private final SingletonSupplier<JobTracer> tracer;

	// By target class, then method: an interface method can be implemented by several traced classes, and
	// two plain lookups allocate nothing where a composite key would.
	private final Map<Class<?>, Map<Method, TracedMethod>> cache = new ConcurrentHashMap<>();

	TracedJobInterceptor(Supplier<JobTracer> tracer) {
		this.tracer = SingletonSupplier.of(tracer);
	}

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		TracedMethod traced = tracedMethod(invocation);
		if (traced == NOT_TRACED) {
			return invocation.proceed();
		}
		try (JobRun run = this.tracer.obtain().start(traced.jobName(), traced.queue())) {
			try {
				return invocation.proceed();
			}
			catch (Throwable ex) {
				RetryableAttempts retries = traced.retries();
				if (retries != null && retries.willRetry(invocation, ex)) {
					run.retrying(ex);
				}
				else {
					run.failed(ex);
				}
				throw ex;
			}
		}
	}

	private TracedMethod tracedMethod(MethodInvocation invocation) {
		Object target = invocation.getThis();
		Class<?> targetClass = (target != null) ? AopUtils.getTargetClass(target)
				: invocation.getMethod().getDeclaringClass();
		Map<Method, TracedMethod> byMethod = this.cache.get(targetClass);
		if (byMethod == null) {
			byMethod = this.cache.computeIfAbsent(targetClass, (key) -> new ConcurrentHashMap<>());
		}
		Method method = invocation.getMethod();
		TracedMethod traced = byMethod.get(method);
		if (traced == null) {
			traced = byMethod.computeIfAbsent(method, (key) -> {
				TracedMethod resolved = TracedMethod.resolve(key, targetClass);
				return (resolved != null) ? resolved : NOT_TRACED;
			});
		}
		return traced;
	}

}
