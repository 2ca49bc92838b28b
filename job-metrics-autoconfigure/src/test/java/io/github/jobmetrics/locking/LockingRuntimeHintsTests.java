package io.github.jobmetrics.locking;

import io.github.jobmetrics.AotFactoriesHints;
import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Spring AOT hint for the ShedLock class that the locking integration loads by name, which this ShedLock has.
 */
class LockingRuntimeHintsTests {

	@Test
	void registersTheSchedulerProxyAdvisorThatIsLoadedByName() {
		assertThat(ClassUtils.isPresent(SkippedRunsPostProcessor.SCHEDULER_PROXY_ADVISOR, null)).isTrue();
		assertThat(AotFactoriesHints.of(LockingRuntimeHints.class)).matches(
				RuntimeHintsPredicates.reflection().onType(ClassUtils.resolveClassName(
						SkippedRunsPostProcessor.SCHEDULER_PROXY_ADVISOR, null)));
	}

}
