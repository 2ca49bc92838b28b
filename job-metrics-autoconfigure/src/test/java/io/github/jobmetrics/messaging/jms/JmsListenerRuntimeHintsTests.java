package io.github.jobmetrics.messaging.jms;

import java.lang.reflect.Method;

import io.github.jobmetrics.AotFactoriesHints;
import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.jms.listener.DefaultMessageListenerContainer;
import org.springframework.util.ReflectionUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Spring AOT hint for the method of Spring JMS that the JMS listener integration calls, on the class where this
 * Spring JMS really declares it (a method that moved to another class would need a new hint).
 */
class JmsListenerRuntimeHintsTests {

	@Test
	void registersTheTransactionManagerGetterWhereSpringJmsDeclaresIt() {
		Method getter = ReflectionUtils.findMethod(DefaultMessageListenerContainer.class,
				TransactionManagerReader.GETTER);
		assertThat(getter).isNotNull();
		assertThat(getter.getDeclaringClass().getName()).isEqualTo(JmsListenerRuntimeHints.POLLING_CONTAINER);
		assertThat(AotFactoriesHints.of(JmsListenerRuntimeHints.class))
			.matches(RuntimeHintsPredicates.reflection().onMethod(getter).invoke());
	}

}
