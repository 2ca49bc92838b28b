package io.github.jobmetrics.messaging.amqp;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.ExecutableMode;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.TypeReference;

/**
 * Spring AOT hints for the members of Spring AMQP that the RabbitMQ listener integration reads reflectively (see
 * {@link SpringAmqpMembers}), so that a native image keeps them. By type name: the hints of a class that is absent
 * are simply unused.
 */
class RabbitListenerRuntimeHints implements RuntimeHintsRegistrar {

	private static final String RABBIT_LISTENER = "org.springframework.amqp.rabbit.listener.";

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		hints.reflection()
			.registerType(TypeReference.of(RABBIT_LISTENER + "AbstractMessageListenerContainer"),
					(type) -> type.withMethod(ContainerSettings.DEFAULT_REQUEUE_REJECTED, List.of(), ExecutableMode.INVOKE)
						.withMethod(ContainerSettings.ADVICE_CHAIN, List.of(), ExecutableMode.INVOKE))
			.registerType(TypeReference.of(RABBIT_LISTENER + "SimpleMessageListenerContainer"),
					(type) -> type.withField(ContainerSettings.CONCURRENT_CONSUMERS)
						.withField(ContainerSettings.MAX_CONCURRENT_CONSUMERS))
			.registerType(TypeReference.of(RABBIT_LISTENER + "DirectMessageListenerContainer"),
					(type) -> type.withField(ContainerSettings.CONSUMERS_PER_QUEUE))
			.registerType(TypeReference.of(CoreRetryInterceptors.STATELESS),
					(type) -> type.withField(CoreRetryInterceptors.RETRY_OPERATIONS));
	}

}
