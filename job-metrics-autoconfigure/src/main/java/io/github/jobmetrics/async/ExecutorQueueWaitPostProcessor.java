package io.github.jobmetrics.async;

import java.lang.reflect.Field;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import io.github.jobmetrics.internal.ExecutorQueueWaits;
import io.github.jobmetrics.internal.MeteringFailures;
import io.micrometer.core.instrument.Clock;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.task.TaskDecorator;
import org.springframework.core.task.support.CompositeTaskDecorator;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.util.ReflectionUtils;
import org.springframework.util.function.SingletonSupplier;

/**
 * Measures how long the tasks handed to each {@link ThreadPoolTaskExecutor} bean directly ({@code execute},
 * {@code submit}, not through {@code @Async}) wait in its queue: it adds a {@link TaskDecorator} to the executor,
 * composed with the one the executor already has (Spring Boot's {@code TaskDecorator} beans, or the application's
 * own), which runs after it. The decorator dates each task when it is submitted; the first traced run the task
 * starts on the executor's thread ({@code @TracedJob} method, {@code JobTracer.trace(...)}) observes the wait,
 * {@code job_queue_wait_seconds} of that run's job. A task that starts no traced run records nothing.
 * <p>
 * The executor's decorator is composed rather than replaced, and no {@code TaskDecorator} bean is added: Spring Boot
 * gives its {@code TaskDecorator} beans to its task schedulers too, which decorate a periodic task once for all its
 * runs, and Spring Boot 3.5 drops them all when there are two. Composing needs the executor's current decorator,
 * which {@code ThreadPoolTaskExecutor} (Spring Framework 6.2 and 7.0) keeps in a field with no getter: it is read
 * by reflection, and where it cannot be, the executor is left as it is and a WARN says so.
 *
 * @since 0.3.0
 */
public final class ExecutorQueueWaitPostProcessor implements BeanPostProcessor {

	private static final Log logger = LogFactory.getLog(ExecutorQueueWaitPostProcessor.class);

	private final @Nullable Field taskDecorator;

	private final AtomicBoolean warned = new AtomicBoolean();

	private final QueueWaitDecorator decorator;

	/**
	 * Creates the post-processor.
	 * @param clock supplies the registry's clock, looked up when the first task is submitted
	 */
	public ExecutorQueueWaitPostProcessor(Supplier<Clock> clock) {
		this(clock, ReflectionUtils.findField(ThreadPoolTaskExecutor.class, AsyncRuntimeHints.TASK_DECORATOR,
				TaskDecorator.class));
	}

	ExecutorQueueWaitPostProcessor(Supplier<Clock> clock, @Nullable Field taskDecorator) {
		this.decorator = new QueueWaitDecorator(clock);
		this.taskDecorator = taskDecorator;
	}

	// Before initialization: on the executor itself, not a proxy of it. The executor reads its decorator at each
	// submission, so an executor that its bean method already initialized is decorated too.
	@Override
	public Object postProcessBeforeInitialization(Object bean, String beanName) {
		if (bean instanceof ThreadPoolTaskExecutor executor) {
			try {
				decorate(executor, beanName);
			}
			catch (RuntimeException | LinkageError ex) {
				warn(beanName, ex);
			}
		}
		return bean;
	}

	private void decorate(ThreadPoolTaskExecutor executor, String beanName) {
		Field field = this.taskDecorator;
		if (field == null) {
			warn(beanName, null);
			return;
		}
		ReflectionUtils.makeAccessible(field);
		TaskDecorator existing = (TaskDecorator) ReflectionUtils.getField(field, executor);
		if (existing == this.decorator) {
			return;
		}
		executor.setTaskDecorator((existing != null)
				? new CompositeTaskDecorator(List.of(existing, this.decorator)) : this.decorator);
	}

	private void warn(String beanName, @Nullable Throwable failure) {
		if (this.warned.compareAndSet(false, true)) {
			logger.warn("job-metrics cannot read the TaskDecorator of ThreadPoolTaskExecutor '" + beanName
					+ "' to compose its own with it: the queue wait of tasks handed to the executor directly is not "
					+ "measured (that of @Async calls still is)", failure);
		}
	}

	/**
	 * Dates each task on the caller's thread as it is submitted; never fails the submission.
	 */
	private static final class QueueWaitDecorator implements TaskDecorator {

		private final SingletonSupplier<Clock> clock;

		QueueWaitDecorator(Supplier<Clock> clock) {
			this.clock = SingletonSupplier.of(clock);
		}

		@Override
		public Runnable decorate(Runnable runnable) {
			try {
				return ExecutorQueueWaits.queued(runnable, this.clock.obtain());
			}
			catch (RuntimeException | LinkageError ex) {
				MeteringFailures.log("date a task handed to an executor", ex);
				return runnable;
			}
		}

	}

}
