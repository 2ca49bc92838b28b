package io.github.jobmetrics.messaging.jms;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jms.connection.JmsTransactionManager;
import org.springframework.jms.listener.DefaultMessageListenerContainer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one member of Spring JMS that the starter reads reflectively, read on the Spring JMS version of the classpath:
 * shared by every Boot line (the main build runs it on Spring Framework 7.0 of Boot 4.1, {@code compat/boot-4.0} on
 * that of 4.0, {@code compat/boot-3.5} on 6.2).
 */
@ExtendWith(OutputCaptureExtension.class)
class TransactionManagerReaderTests {

	@Test
	void readsWhetherAPollingContainerHasATransactionManager(CapturedOutput output) {
		DefaultMessageListenerContainer container = new DefaultMessageListenerContainer();
		assertThat(TransactionManagerReader.POLLING_CONTAINERS.hasTransactionManager(container)).isFalse();
		container.setTransactionManager(new JmsTransactionManager());
		assertThat(TransactionManagerReader.POLLING_CONTAINERS.hasTransactionManager(container)).isTrue();
		assertThat(output).doesNotContain("job-metrics cannot read");
	}

	@Test
	void warnsOnceAndAssumesNoTransactionManagerWhereTheGetterIsMissing(CapturedOutput output) {
		TransactionManagerReader reader = new TransactionManagerReader(ContainerOfAnotherVersion.class);
		new TransactionManagerReader(ContainerOfAnotherVersion.class);
		assertThat(reader.hasTransactionManager(new ContainerOfAnotherVersion())).isFalse();
		assertThat(output).containsOnlyOnce("job-metrics cannot read " + ContainerOfAnotherVersion.class.getName()
				+ ".getTransactionManager() of this Spring JMS version")
			.contains("counted as failure rather than retry");
	}

	/**
	 * A stand-in for a Spring JMS version whose container has no {@code getTransactionManager()}.
	 */
	static class ContainerOfAnotherVersion {

	}

}
