package io.github.jobmetrics.async;

import java.lang.reflect.Field;

import io.github.jobmetrics.AotFactoriesHints;
import io.micrometer.core.instrument.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.task.TaskDecorator;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.util.ReflectionUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reflective read of {@link ThreadPoolTaskExecutor}'s task decorator, on this line's Spring Framework (the test
 * sources run on every Boot line): the field is where the post-processor and its AOT hint expect it, and where it
 * is not, the executor is left as it is and one WARN says what is not measured.
 */
@ExtendWith(OutputCaptureExtension.class)
class ExecutorQueueWaitPostProcessorTests {

	@Test
	void readsTheTaskDecoratorWhereThisSpringFrameworkDeclaresItAndHintsIt() {
		Field field = ReflectionUtils.findField(ThreadPoolTaskExecutor.class, AsyncRuntimeHints.TASK_DECORATOR,
				TaskDecorator.class);
		assertThat(field).isNotNull();
		assertThat(field.getDeclaringClass().getName()).isEqualTo(AsyncRuntimeHints.THREAD_POOL_TASK_EXECUTOR);
		assertThat(AotFactoriesHints.of(AsyncRuntimeHints.class))
			.matches(RuntimeHintsPredicates.reflection().onField(field));
	}

	@Test
	void composesWithTheExecutorsOwnDecorator() {
		TaskDecorator own = (runnable) -> runnable;
		ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
		executor.setTaskDecorator(own);
		new ExecutorQueueWaitPostProcessor(() -> Clock.SYSTEM).postProcessBeforeInitialization(executor, "reports");
		assertThat(decoratorOf(executor)).isNotNull().isNotSameAs(own);
	}

	@Test
	void leavesTheExecutorAloneAndWarnsOnceWhereTheDecoratorCannotBeRead(CapturedOutput output) {
		ExecutorQueueWaitPostProcessor postProcessor = new ExecutorQueueWaitPostProcessor(() -> Clock.SYSTEM, null);
		ThreadPoolTaskExecutor first = new ThreadPoolTaskExecutor();
		ThreadPoolTaskExecutor second = new ThreadPoolTaskExecutor();
		assertThat(postProcessor.postProcessBeforeInitialization(first, "reports")).isSameAs(first);
		assertThat(postProcessor.postProcessBeforeInitialization(second, "exports")).isSameAs(second);
		assertThat(decoratorOf(first)).isNull();
		assertThat(decoratorOf(second)).isNull();
		assertThat(output.getOut().lines().filter((line) -> line.contains("WARN"))).singleElement()
			.asString()
			.contains("ThreadPoolTaskExecutor 'reports'")
			.contains("not measured");
	}

	private static Object decoratorOf(ThreadPoolTaskExecutor executor) {
		Field field = ReflectionUtils.findField(ThreadPoolTaskExecutor.class, AsyncRuntimeHints.TASK_DECORATOR);
		ReflectionUtils.makeAccessible(field);
		return ReflectionUtils.getField(field, executor);
	}

}
