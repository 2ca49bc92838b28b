package io.github.jobmetrics.async;

import java.util.function.Supplier;

import io.github.jobmetrics.internal.AsyncSubmissions;
import io.github.jobmetrics.internal.MeteringFailures;
import io.micrometer.core.instrument.Clock;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.util.function.SingletonSupplier;

/**
 * Placed just outside Spring's async interceptor, on the caller's thread: records when the call is handed to its
 * executor, on the registry's clock (the one the tracer measures the start of the run with), for the run that starts
 * on the executor's thread.
 */
final class AsyncSubmissionInterceptor implements MethodInterceptor {

	private final SingletonSupplier<Clock> clock;

	AsyncSubmissionInterceptor(Supplier<Clock> clock) {
		this.clock = SingletonSupplier.of(clock);
	}

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		try {
			AsyncSubmissions.submitted(invocation, this.clock.obtain().wallTime());
		}
		catch (RuntimeException | LinkageError ex) {
			MeteringFailures.log("record when " + invocation.getMethod() + " was handed to its executor", ex);
		}
		return invocation.proceed();
	}

}
