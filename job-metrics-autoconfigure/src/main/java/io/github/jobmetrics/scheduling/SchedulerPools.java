package io.github.jobmetrics.scheduling;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.annotation.BeanFactoryAnnotationUtils;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.scheduling.SchedulingAwareRunnable;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.config.TaskSchedulerRouter;
import org.springframework.util.StringUtils;

/**
 * Which scheduler bean runs a task, by its bean name: the {@code pool} of its {@code job.worker.capacity}. Resolved
 * as Spring's {@link TaskSchedulerRouter} routes it (the task's {@code @Scheduled(scheduler = ...)} qualifier, else
 * the default scheduler: the unique {@code TaskScheduler} bean, else the one named {@code taskScheduler}), or, when a
 * {@code SchedulingConfigurer} has set a scheduler of its own, that scheduler. A task whose scheduler is not a bean
 * (Spring's local single-thread fallback, a scheduler created by a configurer) has no pool: it has no capacity gauge
 * either, so nothing is lost.
 */
final class SchedulerPools {

	private static final String NONE = "";

	private final ListableBeanFactory beanFactory;

	private final TaskScheduler registrarScheduler;

	private final Map<String, String> byQualifier = new ConcurrentHashMap<>();

	private @Nullable String defaultPool;

	SchedulerPools(ListableBeanFactory beanFactory, TaskScheduler registrarScheduler) {
		this.beanFactory = beanFactory;
		this.registrarScheduler = registrarScheduler;
	}

	/**
	 * Returns the bean name of the scheduler that runs the task, or {@code null} if it is not a bean.
	 */
	@Nullable String poolOf(Runnable task) {
		String qualifier = (task instanceof SchedulingAwareRunnable aware) ? aware.getQualifier() : null;
		if (StringUtils.hasLength(qualifier) && this.registrarScheduler instanceof TaskSchedulerRouter) {
			String pool = this.byQualifier.computeIfAbsent(qualifier, this::qualified);
			return (pool != NONE) ? pool : null;
		}
		if (this.defaultPool == null) {
			this.defaultPool = defaultPool();
		}
		return (this.defaultPool != NONE) ? this.defaultPool : null;
	}

	private String qualified(String qualifier) {
		String resolved = (this.beanFactory instanceof ConfigurableBeanFactory configurable)
				? configurable.resolveEmbeddedValue(qualifier) : qualifier;
		try {
			// By bean name or by @Qualifier value, as the router looks it up.
			return nameOf(BeanFactoryAnnotationUtils.qualifiedBeanOfType(this.beanFactory, TaskScheduler.class,
					(resolved != null) ? resolved : qualifier));
		}
		catch (BeansException ex) {
			// A ScheduledExecutorService, which the router wraps in a scheduler that is no bean.
			return NONE;
		}
	}

	private String defaultPool() {
		if (!(this.registrarScheduler instanceof TaskSchedulerRouter)) {
			return nameOf(this.registrarScheduler);
		}
		try {
			TaskScheduler unique = this.beanFactory.getBeanProvider(TaskScheduler.class).getIfUnique();
			if (unique != null) {
				return nameOf(unique);
			}
			String byName = TaskSchedulerRouter.DEFAULT_TASK_SCHEDULER_BEAN_NAME;
			return this.beanFactory.containsBean(byName) && this.beanFactory.isTypeMatch(byName, TaskScheduler.class)
					? byName : NONE;
		}
		catch (BeansException ex) {
			return NONE;
		}
	}

	private String nameOf(Object scheduler) {
		for (Map.Entry<String, TaskScheduler> bean : this.beanFactory.getBeansOfType(TaskScheduler.class, false, false)
			.entrySet()) {
			if (bean.getValue() == scheduler) {
				return bean.getKey();
			}
		}
		return NONE;
	}

}
