package io.github.jobmetrics.async;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.TypeReference;

/**
 * Spring AOT hints for the member of Spring Framework that the executor integration reads reflectively: the task
 * decorator of a {@code ThreadPoolTaskExecutor}, which has no getter (see {@link ExecutorQueueWaitPostProcessor}).
 * By type name, like the other integrations' hints.
 */
class AsyncRuntimeHints implements RuntimeHintsRegistrar {

	static final String THREAD_POOL_TASK_EXECUTOR = "org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor";

	static final String TASK_DECORATOR = "taskDecorator";

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		hints.reflection()
			.registerType(TypeReference.of(THREAD_POOL_TASK_EXECUTOR), (type) -> type.withField(TASK_DECORATOR));
	}

}
