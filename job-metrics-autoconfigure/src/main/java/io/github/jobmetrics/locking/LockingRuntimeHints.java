package io.github.jobmetrics.locking;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.TypeReference;

/**
 * Spring AOT hints for the ShedLock class that {@link SkippedRunsPostProcessor} loads by name (it is
 * package-private in ShedLock): in a native image an unregistered class is "not present", and the warning about
 * ShedLock's scheduler-proxy mode would never be given. By type name, so that registering it loads no ShedLock class.
 */
class LockingRuntimeHints implements RuntimeHintsRegistrar {

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		hints.reflection().registerType(TypeReference.of(SkippedRunsPostProcessor.SCHEDULER_PROXY_ADVISOR));
	}

}
