package io.github.jobmetrics.messaging.kafka;

import java.lang.reflect.Field;
import java.lang.reflect.Method;

import io.github.jobmetrics.AotFactoriesHints;
import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.TypeReference;
import org.springframework.aot.hint.predicate.ReflectionHintsPredicates;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.kafka.config.AbstractKafkaListenerContainerFactory;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;
import org.springframework.util.ReflectionUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Spring AOT hints for the members of Spring Kafka that {@link InstalledInterceptors} looks up, each on the
 * member this Spring Kafka really has (the line's own: 4.x has the public getter, 3.3 reads the fields and the
 * container's protected getters).
 */
class KafkaListenerRuntimeHintsTests {

	private final RuntimeHints hints = AotFactoriesHints.of(KafkaListenerRuntimeHints.class);

	private final ReflectionHintsPredicates reflection = RuntimeHintsPredicates.reflection();

	// Spring Kafka 3.3 has no such method: there the lookup finds none with or without the hint, as it should.
	@Test
	void registersTheGetterThatTellsTheSpringKafkaLinesApart() {
		if (InstalledInterceptors.PUBLIC_GETTERS) {
			assertThat(this.hints).matches(this.reflection
				.onMethod(AbstractKafkaListenerContainerFactory.class, KafkaListenerRuntimeHints.GET_RECORD_INTERCEPTOR)
				.invoke());
		}
		else {
			assertThat(this.hints.reflection()
				.getTypeHint(TypeReference.of(KafkaListenerRuntimeHints.CONTAINER_FACTORY))
				.methods()).anyMatch((method) -> method.getName().equals(KafkaListenerRuntimeHints.GET_RECORD_INTERCEPTOR));
		}
	}

	@Test
	void registersTheFactoryFieldsReadWithoutPublicGetters() {
		for (String name : new String[] { KafkaListenerRuntimeHints.RECORD_INTERCEPTOR,
				KafkaListenerRuntimeHints.BATCH_INTERCEPTOR }) {
			Field field = ReflectionUtils.findField(AbstractKafkaListenerContainerFactory.class, name);
			assertThat(field).as(name).isNotNull();
			assertThat(this.hints).as(name).matches(this.reflection.onField(field));
		}
	}

	@Test
	void registersTheContainerGettersInvokedWithoutPublicGetters() {
		for (String name : new String[] { KafkaListenerRuntimeHints.GET_RECORD_INTERCEPTOR,
				KafkaListenerRuntimeHints.GET_BATCH_INTERCEPTOR }) {
			Method method = ReflectionUtils.findMethod(AbstractMessageListenerContainer.class, name);
			assertThat(method).as(name).isNotNull();
			assertThat(method.getDeclaringClass().getName()).isEqualTo(KafkaListenerRuntimeHints.CONTAINER);
			assertThat(this.hints).as(name).matches(this.reflection.onMethod(method).invoke());
		}
	}

}
