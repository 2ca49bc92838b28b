package io.github.jobmetrics.aop;

import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.ReflectionHints;
import org.springframework.aot.hint.annotation.SimpleReflectiveProcessor;

/**
 * Spring AOT's reflection hints for the beans that {@link io.github.jobmetrics.TracedJob @TracedJob} marks, which
 * {@code @Reflective} on the annotation hands to this processor for every bean class that has it: the advisor
 * finds those methods reflectively (in a native image, only registered methods are found, so an unregistered one
 * would silently go untraced) and calls them through reflection. A method gets its own invocation hint, as
 * {@code @Scheduled} and {@code @Transactional} get theirs; a class gets invocation hints for its public methods,
 * the ones that {@code @TracedJob} on a class traces.
 * <p>
 * Public only because the annotation names it; not an API to use.
 *
 * @since 0.3.0
 */
public final class TracedJobReflectiveProcessor extends SimpleReflectiveProcessor {

	@Override
	protected void registerTypeHint(ReflectionHints hints, Class<?> type) {
		hints.registerType(type, MemberCategory.INVOKE_PUBLIC_METHODS);
	}

}
