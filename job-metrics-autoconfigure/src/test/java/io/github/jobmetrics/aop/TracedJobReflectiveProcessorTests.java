package io.github.jobmetrics.aop;

import io.github.jobmetrics.TracedJob;
import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.annotation.ReflectiveRuntimeHintsRegistrar;
import org.springframework.aot.hint.predicate.ReflectionHintsPredicates;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reflection hints that Spring AOT registers for the beans {@code @TracedJob} marks, through the
 * {@code @Reflective} on the annotation: what the advisor finds and calls reflectively.
 */
class TracedJobReflectiveProcessorTests {

	private final ReflectionHintsPredicates reflection = RuntimeHintsPredicates.reflection();

	@Test
	void registersATracedMethodForInvocationAndLeavesItsNeighboursAlone() {
		RuntimeHints hints = hintsOf(MethodTraced.class);
		assertThat(hints).matches(this.reflection.onMethod(MethodTraced.class, "export").invoke())
			.matches(this.reflection.onMethod(MethodTraced.class, "helper").invoke().negate());
	}

	@Test
	void registersThePublicMethodsOfATracedClassForInvocation() {
		assertThat(hintsOf(ClassTraced.class)).matches(this.reflection.onMethod(ClassTraced.class, "first").invoke())
			.matches(this.reflection.onMethod(ClassTraced.class, "second").invoke());
	}

	private static RuntimeHints hintsOf(Class<?> beanClass) {
		RuntimeHints hints = new RuntimeHints();
		new ReflectiveRuntimeHintsRegistrar().registerRuntimeHints(hints, beanClass);
		return hints;
	}

	static class MethodTraced {

		@TracedJob("export")
		public void export() {
		}

		public void helper() {
		}

	}

	@TracedJob
	static class ClassTraced {

		public void first() {
		}

		public void second() {
		}

	}

}
