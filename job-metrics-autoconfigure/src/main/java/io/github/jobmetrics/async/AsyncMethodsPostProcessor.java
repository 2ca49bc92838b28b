package io.github.jobmetrics.async;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.github.jobmetrics.JobTracer;
import io.github.jobmetrics.aop.TracedJobAdvisor;
import io.github.jobmetrics.internal.MeteringFailures;
import io.micrometer.core.instrument.Clock;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.Advisor;
import org.springframework.aop.ClassFilter;
import org.springframework.aop.MethodMatcher;
import org.springframework.aop.Pointcut;
import org.springframework.aop.PointcutAdvisor;
import org.springframework.aop.framework.Advised;
import org.springframework.aop.interceptor.AsyncExecutionInterceptor;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.StaticMethodMatcherPointcut;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Puts the tracing of {@code @Async} methods on the executor's thread, whatever the order in which Spring built
 * their proxies: a run that started on the caller's thread would end when the method hands its work over (or
 * returns its {@code Future}) and count the caller's time, not the body's.
 * <p>
 * Spring's {@code AsyncAnnotationBeanPostProcessor} puts its advisor first in a proxy that exists, so that
 * job-metrics' advisor runs inside it, on the executor's thread; but when it runs before the auto-proxy creator
 * ({@code @EnableAsync(order = ...)} with a high precedence), it builds a proxy of its own, which the auto-proxy
 * creator then wraps: job-metrics' advisor ends up outside, on the caller's thread. Once every other post-processor
 * has run, this one moves job-metrics' advisor of such a bean to just inside the async advisor, adds the advisor that
 * records when the call was handed to the executor (its queue wait) just outside it, and, with
 * {@code job-metrics.instrument.async}, the zero-code tracing of {@code @Async} methods that have no
 * {@code @TracedJob}, just inside it. The methods it applies to are those Spring's async advisor matches: its own
 * pointcut decides, including custom async annotations.
 *
 * @since 0.3.0
 */
public final class AsyncMethodsPostProcessor implements BeanPostProcessor, SmartInitializingSingleton, Ordered {

	private static final Log logger = LogFactory.getLog(AsyncMethodsPostProcessor.class);

	private final Supplier<JobTracer> tracer;

	private final Supplier<Clock> clock;

	private final boolean traceAll;

	private final Set<String> jobs = ConcurrentHashMap.newKeySet();

	/**
	 * Creates the post-processor; what it is given is looked up on first use.
	 * @param tracer supplies the tracer of zero-code runs
	 * @param clock supplies the clock of the registry, which dates the submission of a call
	 * @param traceAll whether to trace every {@code @Async} method ({@code job-metrics.instrument.async})
	 */
	public AsyncMethodsPostProcessor(Supplier<JobTracer> tracer, Supplier<Clock> clock, boolean traceAll) {
		this.tracer = tracer;
		this.clock = clock;
		this.traceAll = traceAll;
	}

	// Last, after Spring's async post-processor (whatever order @EnableAsync gives it) and the auto-proxy creator.
	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (!(bean instanceof Advised outermost)) {
			return bean;
		}
		try {
			return rearrange(outermost, beanName);
		}
		catch (RuntimeException | LinkageError ex) {
			logger.warn("job-metrics could not place its tracing of the @Async methods of bean '" + beanName
					+ "' on the executor's thread; their runs may start on the caller's thread", ex);
		}
		return bean;
	}

	// Returns the bean to expose: the proxy holding the async advisor when the proxies around it are left with no
	// advice, so that a call does not pass through them, and job-metrics finds its advisor on the bean.
	private Object rearrange(Advised outermost, String beanName) {
		List<Advised> outside = new ArrayList<>();
		Advised proxy = outermost;
		int async = asyncAdvisor(proxy);
		while (async < 0) {
			outside.add(proxy);
			Object target = staticTarget(proxy);
			if (!(target instanceof Advised inner)) {
				return outermost;
			}
			proxy = inner;
			async = asyncAdvisor(proxy);
		}
		PointcutAdvisor asyncAdvisor = (PointcutAdvisor) proxy.getAdvisors()[async];
		if (proxy.isFrozen() || outside.stream().anyMatch(Advised::isFrozen)) {
			logger.warn("job-metrics cannot rearrange the frozen proxy of bean '" + beanName
					+ "': the runs of its traced @Async methods may start on the caller's thread");
			return outermost;
		}
		// Found first, added inside, then removed from where they were: a failure half-way leaves a run on the
		// caller's thread, never no run, nor two.
		List<Advised> holders = new ArrayList<>();
		List<TracedJobAdvisor> traced = new ArrayList<>();
		for (Advised wrapper : outside) {
			findTracedAdvisors(wrapper, wrapper.getAdvisors().length, holders, traced);
		}
		findTracedAdvisors(proxy, async, holders, traced);
		Pointcut alreadyTraced = tracedPointcut(proxy, async);
		if (traced.isEmpty() && alreadyTraced == null && !this.traceAll) {
			// Nothing of this bean is traced: its calls need no submission time.
			return outermost;
		}
		int position = asyncAdvisor(proxy);
		Pointcut pointcut = asyncAdvisor.getPointcut();
		proxy.addAdvisor(position, new DefaultPointcutAdvisor(pointcut, new AsyncSubmissionInterceptor(this.clock)));
		position += 2;
		for (TracedJobAdvisor advisor : traced) {
			proxy.addAdvisor(position++, advisor);
		}
		for (int i = 0; i < traced.size(); i++) {
			// The first occurrence: in this proxy, the one before the async advisor.
			holders.get(i).removeAdvisor(traced.get(i));
		}
		if (this.traceAll) {
			Pointcut untraced = new UntracedPointcut(pointcut, (alreadyTraced != null) ? alreadyTraced
					: traced.isEmpty() ? null : traced.get(0).getPointcut());
			proxy.addAdvisor(position, new DefaultPointcutAdvisor(untraced, new AsyncJobInterceptor(this.tracer)));
			collectJobs(proxy, untraced);
		}
		boolean emptyWrappers = !outside.isEmpty()
				&& outside.stream().allMatch((wrapper) -> wrapper.getAdvisors().length == 0);
		return emptyWrappers ? proxy : outermost;
	}

	// The zero-code jobs of a bean, named as its interceptor names them, for their meters to be built at start-up.
	private void collectJobs(Advised proxy, Pointcut untraced) {
		Class<?> targetClass = proxy.getTargetClass();
		if (targetClass == null) {
			return;
		}
		Class<?> userClass = ClassUtils.getUserClass(targetClass);
		if (!untraced.getClassFilter().matches(userClass)) {
			return;
		}
		ReflectionUtils.doWithMethods(userClass, (method) -> {
			if (untraced.getMethodMatcher().matches(method, userClass)) {
				this.jobs.add(userClass.getSimpleName() + "." + method.getName());
			}
		}, ReflectionUtils.USER_DECLARED_METHODS);
	}

	/**
	 * Builds the meters of every zero-code {@code @Async} job of the singletons, so that dashboards show 0 rather
	 * than no data before its first call.
	 */
	@Override
	public void afterSingletonsInstantiated() {
		try {
			JobTracer jobTracer = this.tracer.get();
			this.jobs.forEach((job) -> jobTracer.register(job, null));
		}
		catch (RuntimeException | LinkageError ex) {
			MeteringFailures.log("register the zero-code @Async jobs " + this.jobs, ex);
		}
	}

	// The advisors of job-metrics among the first "before" ones of a proxy, with the proxy that holds each.
	private static void findTracedAdvisors(Advised proxy, int before, List<Advised> holders,
			List<TracedJobAdvisor> found) {
		Advisor[] advisors = proxy.getAdvisors();
		for (int i = 0; i < before; i++) {
			if (advisors[i] instanceof TracedJobAdvisor traced) {
				holders.add(proxy);
				found.add(traced);
			}
		}
	}

	// The pointcut of job-metrics' advisor where it already is inside the async advisor.
	private static @Nullable Pointcut tracedPointcut(Advised proxy, int async) {
		Advisor[] advisors = proxy.getAdvisors();
		for (int i = async + 1; i < advisors.length; i++) {
			if (advisors[i] instanceof TracedJobAdvisor traced) {
				return traced.getPointcut();
			}
		}
		return null;
	}

	private static int asyncAdvisor(Advised proxy) {
		Advisor[] advisors = proxy.getAdvisors();
		for (int i = 0; i < advisors.length; i++) {
			if (advisors[i] instanceof PointcutAdvisor && advisors[i].getAdvice() instanceof AsyncExecutionInterceptor) {
				return i;
			}
		}
		return -1;
	}

	private static @Nullable Object staticTarget(Advised proxy) {
		if (!proxy.getTargetSource().isStatic()) {
			return null;
		}
		try {
			return proxy.getTargetSource().getTarget();
		}
		catch (Exception ex) {
			return null;
		}
	}

	/**
	 * The methods Spring's async advisor applies to, less those job-metrics' advisor already traces.
	 */
	private static final class UntracedPointcut extends StaticMethodMatcherPointcut {

		private final ClassFilter asyncClasses;

		private final MethodMatcher asyncMethods;

		private final @Nullable Pointcut traced;

		UntracedPointcut(Pointcut async, @Nullable Pointcut traced) {
			this.asyncClasses = async.getClassFilter();
			this.asyncMethods = async.getMethodMatcher();
			this.traced = traced;
			setClassFilter(this.asyncClasses);
		}

		@Override
		public boolean matches(java.lang.reflect.Method method, Class<?> targetClass) {
			if (!this.asyncMethods.matches(method, targetClass)) {
				return false;
			}
			Pointcut traced = this.traced;
			return traced == null || !(traced.getClassFilter().matches(targetClass)
					&& traced.getMethodMatcher().matches(method, targetClass));
		}

	}

}
