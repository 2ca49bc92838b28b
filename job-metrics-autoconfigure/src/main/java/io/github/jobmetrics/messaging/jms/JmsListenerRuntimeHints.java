package io.github.jobmetrics.messaging.jms;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.ExecutableMode;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.TypeReference;

/**
 * Spring AOT hints for the member of Spring JMS that the JMS listener integration calls reflectively: the protected
 * getter of the transaction manager of a {@code DefaultMessageListenerContainer} (see
 * {@link TransactionManagerReader}). By type name, so that registering them loads no Spring JMS class: the hints
 * of an absent class are simply unused.
 */
class JmsListenerRuntimeHints implements RuntimeHintsRegistrar {

	static final String POLLING_CONTAINER = "org.springframework.jms.listener.AbstractPollingMessageListenerContainer";

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		hints.reflection()
			.registerType(TypeReference.of(POLLING_CONTAINER), (type) -> type.withMethod(TransactionManagerReader.GETTER,
					List.of(), ExecutableMode.INVOKE));
	}

}
