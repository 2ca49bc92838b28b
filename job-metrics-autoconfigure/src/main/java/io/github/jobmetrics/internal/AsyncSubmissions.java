package io.github.jobmetrics.internal;

import io.github.jobmetrics.JobRun;
import org.aopalliance.intercept.MethodInvocation;

import org.springframework.aop.ProxyMethodInvocation;

/**
 * When the call of an {@code @Async} method was handed to its executor: the async integration records it on the
 * caller's thread, as a user attribute of the method invocation that Spring's async interceptor then proceeds with on
 * the executor's thread, where the run of the method starts and observes it as its queue wait. The invocation
 * carries it, not a thread local or a task decorator, so that it works for every executor. Internal to job-metrics,
 * not API.
 */
public final class AsyncSubmissions {

	private static final String ATTRIBUTE = AsyncSubmissions.class.getName() + ".submittedAt";

	private AsyncSubmissions() {
	}

	/**
	 * Records when the call was submitted.
	 * @param invocation the call, on the caller's thread
	 * @param epochMillis when it was submitted, on the registry's clock
	 */
	public static void submitted(MethodInvocation invocation, long epochMillis) {
		if (invocation instanceof ProxyMethodInvocation proxied) {
			proxied.setUserAttribute(ATTRIBUTE, epochMillis);
		}
	}

	/**
	 * Observes the queue wait of the run of a call that was submitted to an executor, once: a run nested in it, of
	 * the same invocation, waited for nothing.
	 * @param run the run that has just started on the executor's thread
	 * @param invocation the call
	 */
	public static void observe(JobRun run, MethodInvocation invocation) {
		if (invocation instanceof ProxyMethodInvocation proxied
				&& proxied.getUserAttribute(ATTRIBUTE) instanceof Long epochMillis) {
			proxied.setUserAttribute(ATTRIBUTE, null);
			// The executor may also have dated the task that carries this call: one wait, the call's own.
			ExecutorQueueWaits.claim();
			try {
				run.enqueuedAt(epochMillis);
			}
			catch (RuntimeException | LinkageError ex) {
				MeteringFailures.log("record the queue wait of an @Async call of " + invocation.getMethod(), ex);
			}
		}
	}

}
