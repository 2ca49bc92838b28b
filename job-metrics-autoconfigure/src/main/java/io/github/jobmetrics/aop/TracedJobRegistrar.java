package io.github.jobmetrics.aop;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.function.Supplier;

import io.github.jobmetrics.JobMetricsConfigurationException;
import io.github.jobmetrics.JobTracer;
import io.github.jobmetrics.TracedJob;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Once all singletons exist, finds every {@link TracedJob @TracedJob} method of the application's beans and
 * registers its job with the {@link JobTracer}, so that its meters exist (and read 0) before the first run.
 * Fails start-up for an annotated method that a proxy cannot intercept, which would otherwise never be
 * traced without a word.
 *
 * @since 0.1.0
 */
public final class TracedJobRegistrar implements SmartInitializingSingleton, BeanFactoryAware {

	private final Supplier<JobTracer> tracer;

	private ListableBeanFactory beanFactory;

	/**
	 * Creates a registrar.
	 * @param tracer supplies the tracer to register jobs with
	 */
	public TracedJobRegistrar(Supplier<JobTracer> tracer) {
		this.tracer = tracer;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = (ListableBeanFactory) beanFactory;
	}

	@Override
	public void afterSingletonsInstantiated() {
		JobTracer jobTracer = this.tracer.get();
		for (String beanName : this.beanFactory.getBeanDefinitionNames()) {
			Class<?> type = this.beanFactory.getType(beanName, false);
			if (type == null) {
				continue;
			}
			Class<?> userClass = ClassUtils.getUserClass(type);
			if (!AnnotationUtils.isCandidateClass(userClass, TracedJob.class)) {
				continue;
			}
			ReflectionUtils.doWithMethods(userClass, (method) -> register(jobTracer, method, userClass),
					ReflectionUtils.USER_DECLARED_METHODS);
		}
	}

	private static void register(JobTracer jobTracer, Method method, Class<?> userClass) {
		if (AnnotatedElementUtils.hasAnnotation(method, TracedJob.class)) {
			checkProxyable(method);
		}
		TracedMethod traced = TracedMethod.resolve(method, userClass);
		if (traced != null) {
			jobTracer.register(traced.jobName(), traced.queue());
		}
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
