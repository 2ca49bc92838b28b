package io.github.jobmetrics.messaging.jms;

import java.lang.reflect.Field;

import io.github.jobmetrics.AotFactoriesHints;
import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.jms.listener.DefaultMessageListenerContainer;
import org.springframework.util.ReflectionUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Spring AOT hint for the field of Spring JMS that the JMS listener integration reads, on the field where this
 * Spring JMS really declares it (a field that moved to another class would need a new hint).
 */
class JmsListenerRuntimeHintsTests {

	@Test
	void registersTheTransactionManagerFieldWhereSpringJmsDeclaresIt() {
		Field field = ReflectionUtils.findField(DefaultMessageListenerContainer.class,
				JmsListenerRuntimeHints.TRANSACTION_MANAGER);
		assertThat(field).isNotNull();
		assertThat(field.getDeclaringClass().getName()).isEqualTo(JmsListenerRuntimeHints.POLLING_CONTAINER);
		assertThat(AotFactoriesHints.of(JmsListenerRuntimeHints.class))
			.matches(RuntimeHintsPredicates.reflection().onField(field));
	}

}
