package io.github.jobmetrics.locking;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Optional;

import io.github.jobmetrics.internal.MeteringFailures;
import io.github.jobmetrics.internal.TracedRunScope;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockProvider;
import org.aopalliance.intercept.MethodInterceptor;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.Advisor;
import org.springframework.aop.ClassFilter;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.aop.framework.autoproxy.AbstractBeanFactoryAwareAdvisingPostProcessor;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.StaticMethodMatcherPointcut;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.core.SmartClassLoader;
import org.springframework.util.ClassUtils;

/**
 * Decorates every ShedLock {@link LockProvider} bean so that a traced run on whose thread a lock was refused (another
 * instance holds it), and none granted, is {@link io.github.jobmetrics.JobRun#skipped() skipped}: that run did none
 * of its job's work, so it counts no execution, no duration and no worked time, and does not move
 * {@code job_last_success_timestamp_seconds}. A run that was granted a lock, such as a job that locks each of its
 * partitions and is refused some, did work and stays a run.
 * <p>
 * Every way ShedLock locks goes through the {@code LockProvider}: its {@code @SchedulerLock} advice (whether it runs
 * inside or outside the {@code @TracedJob} advice) and a {@code LockingTaskExecutor} the application calls itself.
 * The run that a refusal concerns is the innermost one whose body the thread is in: a {@code @TracedJob} method's,
 * or a {@code @Scheduled} method's traced by {@code job-metrics.instrument.scheduled}. Where the lock's advice runs
 * outside the {@code @TracedJob} advice, a refusal returns before any run starts, and nothing is recorded either.
 * Only {@code LockProvider.lock(...)} is used, which every ShedLock version since 4.0 has. The proxy keeps the bean's
 * class where it can be subclassed, so the application may still inject the provider by its class.
 * <p>
 * ShedLock 7.7's {@code LockingTaskExecutorListener} would tell the same, but only from 7.7, only to executors that
 * ShedLock builds (its advice takes one listener bean: a second, such as ShedLock's Micrometer listener, would
 * clash), so the provider, which every path and version uses, is the hook.
 *
 * @since 0.3.0
 */
public final class SkippedRunsPostProcessor extends AbstractBeanFactoryAwareAdvisingPostProcessor
		implements SmartInitializingSingleton {

	private static final long serialVersionUID = 1L;

	private static final Log logger = LogFactory.getLog(SkippedRunsPostProcessor.class);

	// The advisor of @EnableSchedulerLock(interceptMode = PROXY_SCHEDULER), by name: it is package-private in ShedLock
	// (a hint for Spring AOT in LockingRuntimeHints).
	static final String SCHEDULER_PROXY_ADVISOR = "net.javacrumbs.shedlock.spring.aop.SchedulerProxyScheduledLockAdvisor";

	// Our own: the superclass's field is protected on Spring Framework 7 and private on 6.2.
	private transient @Nullable ListableBeanFactory listableBeanFactory;

	/**
	 * Creates the post-processor; from then on, runs in scope on each thread are kept for a refusal to find.
	 */
	public SkippedRunsPostProcessor() {
		TracedRunScope.trackRuns();
		StaticMethodMatcherPointcut lock = new StaticMethodMatcherPointcut() {

			@Override
			public boolean matches(Method method, Class<?> targetClass) {
				return isLock(method);
			}

		};
		lock.setClassFilter(ClassFilter.TRUE);
		this.advisor = new DefaultPointcutAdvisor(lock, new RefusedLockInterceptor());
		// Outermost on a provider that is already a proxy: the refusal is what the caller sees.
		setBeforeExistingAdvisors(true);
	}

	/**
	 * Warns when ShedLock proxies the {@code TaskScheduler}: that mode locks only the tasks it sees as Spring's own
	 * {@code ScheduledMethodRunnable}, and job-metrics hands the scheduler a wrapper for each traced
	 * {@code @Scheduled} job (schedule lag, zero-code tracing), which ShedLock then runs without its lock.
	 */
	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		super.setBeanFactory(beanFactory);
		this.listableBeanFactory = (beanFactory instanceof ListableBeanFactory listable) ? listable : null;
	}

	@Override
	public void afterSingletonsInstantiated() {
		try {
			ListableBeanFactory beanFactory = this.listableBeanFactory;
			ClassLoader classLoader = (beanFactory instanceof ConfigurableBeanFactory configurable)
					? configurable.getBeanClassLoader() : getProxyClassLoader();
			if (beanFactory == null || !ClassUtils.isPresent(SCHEDULER_PROXY_ADVISOR, classLoader)) {
				return;
			}
			Class<?> advisor = ClassUtils.forName(SCHEDULER_PROXY_ADVISOR, classLoader);
			if (beanFactory.getBeanNamesForType(advisor).length > 0) {
				logger.warn("ShedLock proxies the TaskScheduler (@EnableSchedulerLock(interceptMode = "
						+ "PROXY_SCHEDULER)), which locks only tasks that reach it as Spring's ScheduledMethodRunnable: "
						+ "job-metrics wraps the tasks of traced @Scheduled jobs (schedule lag, job-metrics.instrument."
						+ "scheduled), so ShedLock would run those without their lock. Use ShedLock's default "
						+ "interceptMode, PROXY_METHOD, with job-metrics.");
			}
		}
		catch (ClassNotFoundException | RuntimeException | LinkageError ex) {
			MeteringFailures.log("check how ShedLock intercepts scheduled tasks", ex);
		}
	}

	@Override
	protected boolean isEligible(Class<?> targetClass) {
		return LockProvider.class.isAssignableFrom(targetClass) && super.isEligible(targetClass);
	}

	// A class proxy, as Spring Boot makes them, keeps the provider injectable by its class; a final class, or one
	// whose lock method is final (a lambda among them), gets an interface proxy instead of one that could not
	// intercept.
	@Override
	protected ProxyFactory prepareProxyFactory(Object bean, String beanName) {
		ProxyFactory factory = super.prepareProxyFactory(bean, beanName);
		factory.setProxyTargetClass(canSubclass(ClassUtils.getUserClass(bean)));
		return factory;
	}

	// Spring AOT asks this at build time and generates the proxy class it names (the only one a native image has);
	// the superclass would predict an interface proxy for every provider, so the prediction makes the same choice.
	@Override
	public Class<?> determineBeanType(Class<?> beanClass, String beanName) {
		Advisor advisor = this.advisor;
		if (advisor == null || !isEligible(beanClass) || !canSubclass(beanClass)) {
			return super.determineBeanType(beanClass, beanName);
		}
		ProxyFactory factory = new ProxyFactory();
		factory.copyFrom(this);
		factory.setTargetClass(beanClass);
		factory.setProxyTargetClass(true);
		factory.addAdvisor(advisor);
		customizeProxyFactory(factory);
		ClassLoader classLoader = getProxyClassLoader();
		if (classLoader instanceof SmartClassLoader smart && classLoader != beanClass.getClassLoader()) {
			classLoader = smart.getOriginalClassLoader();
		}
		return factory.getProxyClass(classLoader);
	}

	private static boolean canSubclass(Class<?> type) {
		if (Modifier.isFinal(type.getModifiers()) || type.isSynthetic() || !Modifier.isPublic(type.getModifiers())) {
			return false;
		}
		Method lock = ClassUtils.getMethodIfAvailable(type, "lock", LockConfiguration.class);
		return lock != null && !Modifier.isFinal(lock.getModifiers());
	}

	static boolean isLock(Method method) {
		return method.getName().equals("lock") && method.getParameterCount() == 1
				&& method.getParameterTypes()[0] == LockConfiguration.class;
	}

	/**
	 * Tells the thread's innermost run whether its lock was granted; a run refused a lock and granted none is marked
	 * skipped when it leaves its scope. The provider's result and exceptions pass through unchanged; a failure to
	 * report is logged.
	 */
	static final class RefusedLockInterceptor implements MethodInterceptor {

		@Override
		public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
			Object result = invocation.proceed();
			if (result instanceof Optional<?> lock) {
				report(lock.isPresent(), invocation);
			}
			return result;
		}

		private static void report(boolean acquired, MethodInvocation invocation) {
			try {
				if (acquired) {
					TracedRunScope.lockAcquired();
				}
				else {
					TracedRunScope.lockRefused();
				}
			}
			catch (RuntimeException | LinkageError ex) {
				Object[] arguments = invocation.getArguments();
				Object lock = (arguments.length == 1 && arguments[0] instanceof LockConfiguration configuration)
						? configuration.getName() : "?";
				MeteringFailures.log("report the outcome of lock '" + lock + "' to the run it guards", ex);
			}
		}

	}

}
