package io.github.jobmetrics.aop;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.github.jobmetrics.JobRun;
import io.github.jobmetrics.JobTracer;
import io.github.jobmetrics.internal.AsyncSubmissions;
import io.github.jobmetrics.internal.Deliveries;
import io.github.jobmetrics.internal.Deliveries.Redelivery;
import io.github.jobmetrics.internal.Deliveries.RedeliveryRule;
import io.github.jobmetrics.internal.ExecutorQueueWaits;
import io.github.jobmetrics.internal.MeteringFailures;
import io.github.jobmetrics.internal.PreparedJobs;
import io.github.jobmetrics.internal.StageCompletion;
import io.github.jobmetrics.internal.TracedRunScope;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.util.StringValueResolver;
import org.springframework.util.function.SingletonSupplier;

/**
 * Runs each call of a {@link io.github.jobmetrics.TracedJob @TracedJob} method as one run of its job. The
 * method's result and exception pass through unchanged, even when the tracer fails.
 */
final class TracedJobInterceptor implements MethodInterceptor {

	private static final TracedMethod NOT_TRACED = new TracedMethod("", "", null, false, null, -1, false, false);

	private final SingletonSupplier<JobTracer> tracer;

	// By method, the call site of the first runtime class that called it: one lookup and a class comparison. The
	// sites of other classes (an interface method that several traced classes implement) by class, then method:
	// two plain lookups allocate nothing where a composite key would.
	private final Map<Method, CallSite> sites = new ConcurrentHashMap<>();

	private final Map<Class<?>, Map<Method, CallSite>> otherSites = new ConcurrentHashMap<>();

	// Set once the advisor knows its bean factory; a plain ProxyFactory has neither placeholders nor Spring's
	// retry interceptor.
	private volatile @Nullable StringValueResolver values;

	private volatile boolean retryActive;

	private final boolean listeners;

	TracedJobInterceptor(Supplier<JobTracer> tracer, boolean listeners) {
		this.tracer = SingletonSupplier.of(tracer);
		this.listeners = listeners;
	}

	boolean listeners() {
		return this.listeners;
	}

	void configure(@Nullable StringValueResolver values, boolean retryActive) {
		this.values = values;
		this.retryActive = retryActive;
	}

	@Nullable StringValueResolver values() {
		return this.values;
	}

	boolean retryActive() {
		return this.retryActive;
	}

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		CallSite site = callSite(invocation);
		TracedMethod traced = site.traced();
		if (traced == NOT_TRACED) {
			return invocation.proceed();
		}
		if (traced.reactive()) {
			return traceReactive(invocation, traced);
		}
		// One thread-local lookup for the nesting decision, the scope's entry and its exit.
		int[] depth = TracedRunScope.depth();
		JobRun run = start(site, TracedRunScope.isOpen(depth));
		RedeliveryRule redelivery = claimDelivery(run, traced);
		if (traced.enqueueTime() != null) {
			// Its own enqueue time wins over the wait of the executor task it may run in.
			ExecutorQueueWaits.claim();
		}
		traced.observeEnqueueTime(run, invocation);
		// An @Async call: how long it waited for a thread of its executor.
		AsyncSubmissions.observe(run, invocation);
		// Traced runs that this call starts on this thread are nested: they add no worked time of their own.
		int outer = TracedRunScope.enter(run, depth);
		boolean endsLater = false;
		try {
			Object result = invocation.proceed();
			if (traced.mayReturnStage() && result instanceof CompletionStage<?> stage) {
				// The work goes on after the method returns: the run ends when the stage completes. Spring's retry
				// interceptor sees a returned stage as a success, so nothing retries its failure.
				endsLater = StageCompletion.endWhenComplete(run, stage, traced.retries() != null, traced.jobName());
			}
			return result;
		}
		catch (Throwable ex) {
			recordFailure(run, traced, invocation, ex, redelivery);
			throw ex;
		}
		finally {
			TracedRunScope.exit(outer, depth);
			if (!endsLater) {
				close(run, traced);
			}
		}
	}

	// A Mono or Flux does its work when subscribed, not when returned: each subscription is a run. A method that
	// throws instead of returning its publisher is one failed run.
	private @Nullable Object traceReactive(MethodInvocation invocation, TracedMethod traced) throws Throwable {
		Object publisher;
		try {
			publisher = invocation.proceed();
		}
		catch (Throwable ex) {
			JobRun run = start(traced);
			recordFailure(run, traced, invocation, ex, Redelivery.UNKNOWN);
			close(run, traced);
			throw ex;
		}
		if (publisher == null) {
			return null;
		}
		try {
			return ReactorRuns.trace(publisher, () -> start(traced), traced.jobName());
		}
		catch (RuntimeException | LinkageError ex) {
			MeteringFailures.log("follow the publisher returned by job '" + traced.jobName() + "'", ex);
			return publisher;
		}
	}

	// The tracer may be the application's own: whatever it throws is logged, never passed to the job, which
	// then runs untraced.
	private JobRun start(TracedMethod traced) {
		try {
			return this.tracer.obtain().start(traced.jobName(), traced.queue());
		}
		catch (RuntimeException | LinkageError ex) {
			MeteringFailures.log("start a run of job '" + traced.jobName() + "'", ex);
			return JobRun.noop();
		}
	}

	private JobRun start(CallSite site, boolean nested) {
		try {
			return site.job().start(nested);
		}
		catch (RuntimeException | LinkageError ex) {
			MeteringFailures.log("start a run of job '" + site.traced().jobName() + "'", ex);
			return JobRun.noop();
		}
	}

	// A message that a listener container is delivering on this thread: the run of the listener method handles it,
	// and only that run, since only its exception reaches the container. Guarded: the run's enqueuedAt is the
	// tracer's, and nothing the tracer does may reach the job or keep the run from closing.
	private RedeliveryRule claimDelivery(JobRun run, TracedMethod traced) {
		if (!traced.receivesDeliveries()) {
			return Redelivery.UNKNOWN;
		}
		try {
			RedeliveryRule claimed = Deliveries.claim(run, traced.enqueueTime() == null);
			return (claimed != null) ? claimed : Redelivery.UNKNOWN;
		}
		catch (RuntimeException | LinkageError ex) {
			MeteringFailures.log("claim the delivery of a message for job '" + traced.jobName() + "'", ex);
			return Redelivery.UNKNOWN;
		}
	}

	// In-memory retries come first: only when they are exhausted does the exception reach the listener container,
	// whose broker may then deliver the message again.
	private void recordFailure(JobRun run, TracedMethod traced, MethodInvocation invocation, Throwable failure,
			RedeliveryRule rule) {
		try {
			RetryableAttempts retries = traced.retries();
			if (retries != null && retries.willRetry(invocation, failure)) {
				run.retrying(failure);
				return;
			}
			// Asked only now: the container does not see a failure that an in-memory retry absorbs.
			Redelivery redelivery = rule.after(failure);
			if (redelivery == Redelivery.WILL_FOLLOW) {
				run.retrying(failure);
			}
			else if (retries != null || redelivery == Redelivery.NONE) {
				// A retry policy or the broker governs this run: nothing follows, whatever
				// job-metrics.retry-exceptions says.
				run.failedWithoutRetry(failure);
			}
			else {
				run.failed(failure);
			}
		}
		catch (RuntimeException | LinkageError ex) {
			MeteringFailures.log("record the failure of a run of job '" + traced.jobName() + "'", ex);
		}
	}

	private void close(JobRun run, TracedMethod traced) {
		try {
			run.close();
		}
		catch (RuntimeException | LinkageError ex) {
			MeteringFailures.log("end a run of job '" + traced.jobName() + "'", ex);
		}
	}

	private CallSite callSite(MethodInvocation invocation) {
		Object target = invocation.getThis();
		// The target's runtime class, one field read: the user class behind a CGLIB target (a class name test) is
		// only worked out once per class and method, when the site is resolved.
		Class<?> runtimeClass = (target != null) ? target.getClass() : invocation.getMethod().getDeclaringClass();
		Method method = invocation.getMethod();
		CallSite site = this.sites.get(method);
		if (site == null) {
			site = resolve(this.sites, method, target, runtimeClass);
		}
		if (site.runtimeClass() == runtimeClass) {
			return site;
		}
		Map<Method, CallSite> byMethod = this.otherSites.get(runtimeClass);
		if (byMethod == null) {
			byMethod = this.otherSites.computeIfAbsent(runtimeClass, (key) -> new ConcurrentHashMap<>());
		}
		site = byMethod.get(method);
		return (site != null) ? site : resolve(byMethod, method, target, runtimeClass);
	}

	// Outside a computeIfAbsent: preparing the job builds its meters, which runs the registry's filters and
	// listeners. Two threads that resolve one site at once keep the first site put.
	private CallSite resolve(Map<Method, CallSite> sites, Method method, @Nullable Object target,
			Class<?> runtimeClass) {
		CallSite resolved = resolve(method, target, runtimeClass);
		CallSite first = sites.putIfAbsent(method, resolved);
		return (first != null) ? first : resolved;
	}

	private CallSite resolve(Method method, @Nullable Object target, Class<?> runtimeClass) {
		TracedMethod traced;
		try {
			Class<?> targetClass = (target != null) ? AopUtils.getTargetClass(target) : runtimeClass;
			TracedMethod resolved = TracedMethod.resolve(method, targetClass, this.values, this.retryActive,
					this.listeners);
			traced = (resolved != null) ? resolved : NOT_TRACED;
		}
		catch (RuntimeException | LinkageError ex) {
			MeteringFailures.log("resolve the job of " + method, ex);
			traced = NOT_TRACED;
		}
		return new CallSite(runtimeClass, traced, job(traced));
	}

	// The job's runs as the tracer prepares them, so that a run is started without its lookup by name; else, and
	// for the application's own tracer, through JobTracer.start. Resolved on the call that resolves the site.
	private PreparedJobs.Job job(TracedMethod traced) {
		String jobName = traced.jobName();
		String queue = traced.queue();
		if (traced != NOT_TRACED && !traced.reactive()) {
			try {
				if (this.tracer.obtain() instanceof PreparedJobs tracer) {
					PreparedJobs.Job job = tracer.prepare(jobName, queue);
					if (job != null) {
						return job;
					}
				}
			}
			catch (RuntimeException | LinkageError ex) {
				MeteringFailures.log("prepare the runs of job '" + jobName + "'", ex);
			}
		}
		return (nested) -> this.tracer.obtain().start(jobName, queue);
	}

	// A traced method as called on one runtime class.
	private record CallSite(Class<?> runtimeClass, TracedMethod traced, PreparedJobs.Job job) {
	}

}
