package io.github.jobmetrics.aop;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

import io.github.jobmetrics.JobMetricsConfigurationException;
import io.github.jobmetrics.JobTracer;
import io.github.jobmetrics.TracedJob;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.Advisor;
import org.springframework.aop.framework.Advised;
import org.springframework.aop.framework.AopProxyUtils;
import org.springframework.aop.framework.autoproxy.AutoProxyUtils;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.config.EmbeddedValueResolver;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;
import org.springframework.util.StringValueResolver;

/**
 * Once all singletons exist, finds every {@link TracedJob @TracedJob} method of the application's beans and
 * registers its job with the {@link JobTracer}, so that its meters exist (and read 0) before the first run.
 * <p>
 * Never silent: an annotated method a proxy can never intercept (private, static, final) fails start-up, as
 * does a placeholder of the annotation that cannot be resolved. A bean that was not proxied (created before the
 * auto-proxy creator) or a method its JDK proxy cannot reach is not registered, so that no dashboard shows an
 * idle job that in fact runs untraced, and gets a warning that says why and how to fix it. So does a
 * {@code job-metrics.jobs.<name>} that names no job.
 *
 * @since 0.3.0
 */
public final class TracedJobRegistrar implements SmartInitializingSingleton, BeanFactoryAware {

	private static final Log logger = LogFactory.getLog(TracedJobRegistrar.class);

	private final Supplier<JobTracer> tracer;

	private final Collection<String> configuredJobNames;

	private final boolean listeners;

	private @Nullable ConfigurableListableBeanFactory beanFactory;

	private @Nullable StringValueResolver values;

	/**
	 * Creates a registrar.
	 * @param tracer supplies the tracer to register jobs with
	 */
	public TracedJobRegistrar(Supplier<JobTracer> tracer) {
		this(tracer, List.of());
	}

	/**
	 * Creates a registrar that also warns about configured job names that match no job.
	 * @param tracer supplies the tracer to register jobs with
	 * @param configuredJobNames the names under {@code job-metrics.jobs}
	 */
	public TracedJobRegistrar(Supplier<JobTracer> tracer, Collection<String> configuredJobNames) {
		this(tracer, configuredJobNames, false);
	}

	/**
	 * Creates a registrar that also warns about configured job names that match no job and, if asked,
	 * registers message listener methods as jobs too (see {@link TracedJobAdvisor#TracedJobAdvisor(Supplier,
	 * boolean)}).
	 * @param tracer supplies the tracer to register jobs with
	 * @param configuredJobNames the names under {@code job-metrics.jobs}
	 * @param listeners whether message listener methods without {@code @TracedJob} are traced
	 * @since 0.3.0
	 */
	public TracedJobRegistrar(Supplier<JobTracer> tracer, Collection<String> configuredJobNames, boolean listeners) {
		this.tracer = tracer;
		this.configuredJobNames = List.copyOf(configuredJobNames);
		this.listeners = listeners;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = (ConfigurableListableBeanFactory) beanFactory;
		this.values = new EmbeddedValueResolver(this.beanFactory);
	}

	@Override
	public void afterSingletonsInstantiated() {
		ConfigurableListableBeanFactory factory = this.beanFactory;
		if (factory == null) {
			return;
		}
		JobTracer jobTracer = this.tracer.get();
		Set<String> known = new TreeSet<>();
		for (String beanName : factory.getBeanDefinitionNames()) {
			Object bean = (factory.containsSingleton(beanName)) ? factory.getSingleton(beanName) : null;
			Class<?> userClass = targetClass(factory, beanName, bean);
			if (userClass == null || (!AnnotationUtils.isCandidateClass(userClass, TracedJob.class) && !this.listeners)) {
				continue;
			}
			List<Method> methods = new ArrayList<>();
			List<TracedMethod> jobs = new ArrayList<>();
			ReflectionUtils.doWithMethods(userClass, (method) -> {
				TracedMethod traced = traced(method, userClass);
				if (traced != null) {
					methods.add(method);
					jobs.add(traced);
				}
			}, ReflectionUtils.USER_DECLARED_METHODS);
			if (jobs.isEmpty()) {
				continue;
			}
			if (bean != null && !isAdvised(bean)) {
				logger.warn("Bean '" + beanName + "' (" + userClass.getName() + ") has @TracedJob methods " + names(jobs)
						+ " but was not proxied by job-metrics: it was created before the auto-proxy creator, "
						+ "typically because a BeanFactoryPostProcessor or BeanPostProcessor needed it early (Spring logs "
						+ "it as 'not eligible for auto-proxying'). Its jobs are not traced and not registered. Make the "
						+ "@Bean method of that post-processor static and inject this bean into it with @Lazy.");
				continue;
			}
			for (int i = 0; i < jobs.size(); i++) {
				Method method = methods.get(i);
				if (bean != null && AopUtils.isJdkDynamicProxy(bean) && !isOnAnInterface(method, userClass)) {
					logger.warn("@TracedJob on " + userClass.getName() + "." + method.getName() + "() of bean '" + beanName
							+ "' is not traced: the bean is a JDK proxy, which only intercepts methods of its "
							+ "interfaces. Set spring.aop.proxy-target-class=true or declare the method on an interface.");
					continue;
				}
				jobTracer.register(jobs.get(i).jobName(), jobs.get(i).queue());
				known.add(jobs.get(i).jobName());
			}
		}
		warnAboutUnknownJobNames(known);
	}

	private @Nullable TracedMethod traced(Method method, Class<?> userClass) {
		if (AnnotatedElementUtils.hasAnnotation(method, TracedJob.class)) {
			checkProxyable(method);
		}
		if (method.getDeclaringClass() != userClass && !Modifier.isPublic(method.getModifiers())) {
			return null;
		}
		TracedMethod traced;
		String problem;
		try {
			traced = TracedMethod.resolve(method, userClass, this.values, false, this.listeners);
			// A context without a strict placeholder configurer leaves an unresolvable placeholder as it is.
			problem = (traced != null && (traced.jobName().contains("${") || traced.queue().contains("${")))
					? "'" + traced.jobName() + "', queue '" + traced.queue() + "'" : null;
		}
		catch (IllegalArgumentException ex) {
			traced = null;
			problem = ex.getMessage();
		}
		if (problem != null) {
			throw new JobMetricsConfigurationException(
					"@TracedJob on " + userClass.getName() + "." + method.getName() + "()",
					"has a name, queue or enqueuedAt that cannot be resolved (" + problem + ")",
					"Define the property a placeholder names, or give it a default as in ${app.queue:payments}; "
							+ "write enqueuedAt as a SpEL expression over the arguments, such as #p0.createdAt");
		}
		return traced;
	}

	private static @Nullable Class<?> targetClass(ConfigurableListableBeanFactory factory, String beanName,
			@Nullable Object bean) {
		if (bean != null) {
			return ClassUtils.getUserClass(AopProxyUtils.ultimateTargetClass(bean));
		}
		Class<?> type = AutoProxyUtils.determineTargetClass(factory, beanName);
		if (type == null) {
			type = factory.getType(beanName, false);
		}
		return (type != null && !java.lang.reflect.Proxy.isProxyClass(type)) ? ClassUtils.getUserClass(type) : null;
	}

	private static boolean isAdvised(Object bean) {
		if (!(bean instanceof Advised advised)) {
			return false;
		}
		for (Advisor advisor : advised.getAdvisors()) {
			if (advisor instanceof TracedJobAdvisor) {
				return true;
			}
		}
		return false;
	}

	private static boolean isOnAnInterface(Method method, Class<?> userClass) {
		for (Class<?> type : ClassUtils.getAllInterfacesForClassAsSet(userClass)) {
			if (ClassUtils.hasMethod(type, method.getName(), method.getParameterTypes())) {
				return true;
			}
		}
		return false;
	}

	private void warnAboutUnknownJobNames(Set<String> known) {
		Set<String> unknown = new TreeSet<>(this.configuredJobNames);
		unknown.removeAll(known);
		if (!unknown.isEmpty()) {
			logger.warn("job-metrics.jobs configures " + unknown + ", which match no @TracedJob job; known jobs: "
					+ known + ". A name with dots goes in brackets (job-metrics.jobs.[Exporter.run].buckets), or a "
					+ "binder reads only the part before the first dot. Jobs started only through JobTracer at run "
					+ "time are not known at start-up: ignore this warning for those.");
		}
	}

	private static List<String> names(List<TracedMethod> jobs) {
		return jobs.stream().map(TracedMethod::jobName).toList();
	}

	private static void checkProxyable(Method method) {
		int modifiers = method.getModifiers();
		String reason = Modifier.isPrivate(modifiers) ? "private" : Modifier.isStatic(modifiers) ? "static"
				: Modifier.isFinal(modifiers) ? "final" : null;
		if (reason != null) {
			throw new JobMetricsConfigurationException(
					"@TracedJob on " + method.getDeclaringClass().getName() + "." + method.getName() + "()",
					"is on a " + reason + " method, which a Spring proxy cannot intercept, so it would never be traced",
					"Make the method public (or protected), non-static and non-final, or trace it with JobTracer");
		}
	}

}
