package io.github.jobmetrics.messaging.amqp;

import io.github.jobmetrics.AotFactoriesHints;
import org.junit.jupiter.api.Test;

import org.springframework.amqp.rabbit.listener.AbstractMessageListenerContainer;
import org.springframework.amqp.rabbit.listener.DirectMessageListenerContainer;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Spring AOT hints for what the RabbitMQ listener integration reads reflectively, registered through
 * {@code META-INF/spring/aot.factories} as Spring AOT finds them.
 */
class RabbitListenerRuntimeHintsTests {

	@Test
	void registersEveryMemberThatIsReadReflectively() throws Exception {
		RuntimeHints hints = AotFactoriesHints.of(RabbitListenerRuntimeHints.class);
		var reflection = RuntimeHintsPredicates.reflection();
		assertThat(hints).matches(reflection
			.onMethod(AbstractMessageListenerContainer.class, ContainerSettings.DEFAULT_REQUEUE_REJECTED)
			.invoke())
			.matches(reflection.onMethod(AbstractMessageListenerContainer.class, ContainerSettings.ADVICE_CHAIN).invoke())
			.matches(reflection.onField(SimpleMessageListenerContainer.class, ContainerSettings.CONCURRENT_CONSUMERS))
			.matches(reflection.onField(SimpleMessageListenerContainer.class,
					ContainerSettings.MAX_CONCURRENT_CONSUMERS))
			.matches(reflection.onField(DirectMessageListenerContainer.class, ContainerSettings.CONSUMERS_PER_QUEUE));
		// Spring AMQP 4 only: 3.2 retries with spring-retry, which the starter does not read.
		if (ClassUtils.isPresent(CoreRetryInterceptors.STATELESS, null)) {
			assertThat(hints).matches(
					reflection.onField(CoreRetryInterceptors.STATELESS, CoreRetryInterceptors.RETRY_OPERATIONS));
		}
	}

}
