package io.github.jobmetrics.messaging.amqp;

import org.junit.jupiter.api.Test;

import org.springframework.amqp.AmqpRejectAndDontRequeueException;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spring AMQP's requeue decision, taken from where the version on the classpath has it.
 */
class RequeueDecisionTests {

	@Test
	void usesTheContainerUtilsOfTheSpringAmqpOnTheClasspath() {
		RequeueDecision decision = RequeueDecision.ofSpringAmqp(getClass().getClassLoader());
		// Spring AMQP 4.1 and later have org.springframework.amqp.listener.ContainerUtils; 3.2 and 4.0 do not.
		assertThat(decision).isInstanceOf(ClassUtils.isPresent(RequeueDecision.CONTAINER_UTILS, null)
				? ListenerContainerUtilsRequeue.class : RabbitContainerUtilsRequeue.class);
		assertDecidesAsSpringAmqp(decision);
	}

	@Test
	void usesTheOlderContainerUtilsWhereTheNewOneIsMissing() {
		RequeueDecision decision = RequeueDecision
			.ofSpringAmqp(new FilteredClassLoader(RequeueDecision.CONTAINER_UTILS));
		assertThat(decision).isInstanceOf(RabbitContainerUtilsRequeue.class);
		assertDecidesAsSpringAmqp(decision);
	}

	private static void assertDecidesAsSpringAmqp(RequeueDecision decision) {
		assertThat(decision.shouldRequeue(true, new IllegalStateException())).isTrue();
		assertThat(decision.shouldRequeue(false, new IllegalStateException())).isFalse();
		assertThat(decision.shouldRequeue(true,
				new IllegalStateException(new AmqpRejectAndDontRequeueException("poison")))).isFalse();
	}

}
