package io.github.jobmetrics.async;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.github.jobmetrics.JobRun;
import io.github.jobmetrics.JobTracer;
import io.github.jobmetrics.internal.AsyncSubmissions;
import io.github.jobmetrics.internal.MeteringFailures;
import io.github.jobmetrics.internal.StageCompletion;
import io.github.jobmetrics.internal.TracedRunScope;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.util.function.SingletonSupplier;

/**
 * Zero-code tracing of an {@code @Async} method without {@code @TracedJob}, placed just inside Spring's async
 * interceptor so that it runs on the executor's thread: each call is a run of the job {@code SimpleClassName.method}
 * with no queue, as the scheduling integration names {@code @Scheduled} methods. A method that returns a
 * {@link CompletionStage} runs until the stage completes. A run started inside another traced run on this thread is
 * nested (see {@link TracedRunScope}): it adds no worked time of its own.
 */
final class AsyncJobInterceptor implements MethodInterceptor {

	private final SingletonSupplier<JobTracer> tracer;

	private final Map<Method, String> names = new ConcurrentHashMap<>();

	AsyncJobInterceptor(Supplier<JobTracer> tracer) {
		this.tracer = SingletonSupplier.of(tracer);
	}

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		String jobName = jobName(invocation);
		JobRun run = start(jobName);
		AsyncSubmissions.observe(run, invocation);
		int outer = TracedRunScope.enter(run);
		boolean endsLater = false;
		try {
			Object result = invocation.proceed();
			if (result instanceof CompletionStage<?> stage) {
				endsLater = StageCompletion.endWhenComplete(run, stage, false, jobName);
			}
			return result;
		}
		catch (Throwable ex) {
			fail(run, ex, jobName);
			throw ex;
		}
		finally {
			TracedRunScope.exit(outer);
			if (!endsLater) {
				close(run, jobName);
			}
		}
	}

	// One name per method, resolved once: a method is declared by one class, and the target's class is its user
	// class (or a subclass that inherits it, named as the scheduling integration names it: by the bean's class).
	private String jobName(MethodInvocation invocation) {
		Method method = invocation.getMethod();
		String name = this.names.get(method);
		if (name == null) {
			Object target = invocation.getThis();
			Class<?> type = (target != null) ? AopUtils.getTargetClass(target) : method.getDeclaringClass();
			name = this.names.computeIfAbsent(method, (key) -> type.getSimpleName() + "." + key.getName());
		}
		return name;
	}

	private JobRun start(String jobName) {
		try {
			return this.tracer.obtain().start(jobName, null);
		}
		catch (RuntimeException | LinkageError ex) {
			MeteringFailures.log("start a run of job '" + jobName + "'", ex);
			return JobRun.noop();
		}
	}

	private static void fail(JobRun run, Throwable failure, String jobName) {
		try {
			run.failed(failure);
		}
		catch (RuntimeException | LinkageError ex) {
			MeteringFailures.log("record the failure of a run of job '" + jobName + "'", ex);
		}
	}

	private static void close(JobRun run, String jobName) {
		try {
			run.close();
		}
		catch (RuntimeException | LinkageError ex) {
			MeteringFailures.log("end a run of job '" + jobName + "'", ex);
		}
	}

}
