package io.github.jobmetrics.messaging.kafka;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.ExecutableMode;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.TypeReference;

/**
 * Spring AOT hints for the members of Spring Kafka that {@link InstalledInterceptors} looks up reflectively: the
 * public getter whose presence tells Spring Kafka 4 from 3.3 (a native image answers a lookup of an unregistered
 * method with "none", which would send Spring Kafka 4 down the 3.3 path), and the private fields and protected
 * getters read on 3.3. By type name, so that registering them loads no Spring Kafka class.
 */
class KafkaListenerRuntimeHints implements RuntimeHintsRegistrar {

	static final String CONTAINER_FACTORY = "org.springframework.kafka.config.AbstractKafkaListenerContainerFactory";

	static final String CONTAINER = "org.springframework.kafka.listener.AbstractMessageListenerContainer";

	static final String GET_RECORD_INTERCEPTOR = "getRecordInterceptor";

	static final String GET_BATCH_INTERCEPTOR = "getBatchInterceptor";

	static final String RECORD_INTERCEPTOR = "recordInterceptor";

	static final String BATCH_INTERCEPTOR = "batchInterceptor";

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		hints.reflection()
			.registerType(TypeReference.of(CONTAINER_FACTORY),
					(type) -> type.withMethod(GET_RECORD_INTERCEPTOR, List.of(), ExecutableMode.INVOKE)
						.withField(RECORD_INTERCEPTOR)
						.withField(BATCH_INTERCEPTOR))
			.registerType(TypeReference.of(CONTAINER),
					(type) -> type.withMethod(GET_RECORD_INTERCEPTOR, List.of(), ExecutableMode.INVOKE)
						.withMethod(GET_BATCH_INTERCEPTOR, List.of(), ExecutableMode.INVOKE));
	}

}
