package io.github.jobmetrics.messaging.amqp;

import org.aopalliance.aop.Advice;
import org.aopalliance.intercept.MethodInterceptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.listener.DirectMessageListenerContainer;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The members of Spring AMQP that the starter reads reflectively, found and read on the Spring AMQP version of
 * the classpath: the main build runs these tests on 4.1, {@code compat/boot-4.0} on 4.0 and {@code compat/boot-3.5}
 * on 3.2. Without a connection: the containers are only configured, never started.
 */
@ExtendWith(OutputCaptureExtension.class)
class SpringAmqpMembersTests {

	private final CachingConnectionFactory connectionFactory = new CachingConnectionFactory("localhost");

	@Test
	void readsTheAcknowledgeModeAndRequeueSettingOfAContainer(CapturedOutput output) {
		SimpleMessageListenerContainer container = new SimpleMessageListenerContainer(this.connectionFactory);
		assertThat(ContainerSettings.of(container)).isEqualTo(new ContainerSettings(true, AcknowledgeMode.AUTO));
		container.setDefaultRequeueRejected(false);
		container.setAcknowledgeMode(AcknowledgeMode.MANUAL);
		assertThat(ContainerSettings.of(container)).isEqualTo(new ContainerSettings(false, AcknowledgeMode.MANUAL));
		assertThat(output).doesNotContain("job-metrics cannot read");
	}

	@Test
	void readsTheAdviceChainOfAContainer() {
		SimpleMessageListenerContainer container = new SimpleMessageListenerContainer(this.connectionFactory);
		Advice advice = (MethodInterceptor) (invocation) -> invocation.proceed();
		container.setAdviceChain(advice);
		assertThat(ContainerSettings.adviceChain(container)).containsExactly(advice);
	}

	@Test
	void readsTheConsumersOfSimpleAndDirectContainers() {
		SimpleMessageListenerContainer simple = new SimpleMessageListenerContainer(this.connectionFactory);
		simple.setConcurrentConsumers(2);
		assertThat(ContainerSettings.capacity(simple)).isEqualTo(2);
		simple.setMaxConcurrentConsumers(5);
		assertThat(ContainerSettings.capacity(simple)).isEqualTo(5);
		DirectMessageListenerContainer direct = new DirectMessageListenerContainer(this.connectionFactory);
		direct.setQueueNames("a", "b");
		direct.setConsumersPerQueue(3);
		assertThat(ContainerSettings.capacity(direct)).isEqualTo(6);
	}

	@Test
	void findsTheRetryTemplateOfSpringAmqp4sStatelessInterceptorWhereItHasOne(CapturedOutput output) {
		boolean springAmqp4 = ClassUtils.isPresent(CoreRetryInterceptors.STATELESS, null);
		// Loading the class looks the field up; where it is missing, a warning names it.
		InMemoryRetry.in(new Advice[0]);
		if (springAmqp4) {
			assertThat(SpringAmqpMembers.field(ClassUtils.resolveClassName(CoreRetryInterceptors.STATELESS, null),
					CoreRetryInterceptors.RETRY_OPERATIONS, "unused")).isNotNull();
		}
		assertThat(output).doesNotContain("job-metrics cannot read");
	}

	@Test
	void warnsOnceWhenAMemberIsMissing(CapturedOutput output) {
		assertThat(SpringAmqpMembers.field(SimpleMessageListenerContainer.class, "renamedUpstream", "it is assumed"))
			.isNull();
		assertThat(SpringAmqpMembers.method(SimpleMessageListenerContainer.class, "renamedUpstream", "it is assumed"))
			.isNull();
		assertThat(SpringAmqpMembers.field(SimpleMessageListenerContainer.class, "renamedUpstream", "it is assumed"))
			.isNull();
		String field = "job-metrics cannot read " + SimpleMessageListenerContainer.class.getName() + ".renamedUpstream of "
				+ "this Spring AMQP version";
		assertThat(output).containsOnlyOnce(field).containsOnlyOnce(field.replace(".renamedUpstream", ".renamedUpstream()"));
		assertThat(output).contains("it is assumed. Please report it");
	}

}
