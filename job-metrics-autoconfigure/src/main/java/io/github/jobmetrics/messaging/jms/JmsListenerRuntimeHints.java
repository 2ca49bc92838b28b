package io.github.jobmetrics.messaging.jms;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.TypeReference;

/**
 * Spring AOT hints for the member of Spring JMS that the JMS listener integration reads reflectively: the
 * transaction manager of a {@code DefaultMessageListenerContainer}, which has no public getter (see
 * {@link JmsListenerContainersMetrics}). By type name, so that registering them loads no Spring JMS class: the hints
 * of an absent class are simply unused.
 */
class JmsListenerRuntimeHints implements RuntimeHintsRegistrar {

	static final String POLLING_CONTAINER = "org.springframework.jms.listener.AbstractPollingMessageListenerContainer";

	static final String TRANSACTION_MANAGER = "transactionManager";

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		hints.reflection()
			.registerType(TypeReference.of(POLLING_CONTAINER), (type) -> type.withField(TRANSACTION_MANAGER));
	}

}
