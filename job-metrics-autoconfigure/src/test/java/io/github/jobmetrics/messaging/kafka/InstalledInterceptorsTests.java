package io.github.jobmetrics.messaging.kafka;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.kafka.config.AbstractKafkaListenerContainerFactory;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.listener.RecordInterceptor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The interceptors of a factory, read on the Spring Kafka version of the classpath: through the public getters of
 * Spring Kafka 4 (Boot 4.0 and 4.1), through the private fields of Spring Kafka 3.3 (Boot 3.5). Shared by every Boot
 * line.
 */
@ExtendWith(OutputCaptureExtension.class)
class InstalledInterceptorsTests {

	@Test
	void readsTheInterceptorsOfAFactoryOnThisSpringKafka(CapturedOutput output) {
		ConcurrentKafkaListenerContainerFactory<Object, Object> factory = new ConcurrentKafkaListenerContainerFactory<>();
		RecordInterceptor<Object, Object> own = (record, consumer) -> record;
		factory.setRecordInterceptor(own);
		assertThat(InstalledInterceptors.of(factory).record()).isSameAs(own);
		assertThat(InstalledInterceptors.of(factory).batch()).isNull();
		// The reflective read that Spring Kafka 3.3 needs finds the fields on this version too.
		assertThat(InstalledInterceptors.fromFields(AbstractKafkaListenerContainerFactory.class, factory).record())
			.isSameAs(own);
		assertThat(output).doesNotContain("job-metrics: this Spring Kafka has none of");
	}

	@Test
	void warnsOnceAndLeavesTheFactoryAloneWhereTheFieldsAreMissing(CapturedOutput output) {
		assertThat(InstalledInterceptors.fromFields(FactoryOfAnotherVersion.class, new FactoryOfAnotherVersion()))
			.isNull();
		assertThat(InstalledInterceptors.fromFields(FactoryOfAnotherVersion.class, new FactoryOfAnotherVersion()))
			.isNull();
		assertThat(output).containsOnlyOnce("job-metrics: this Spring Kafka has none of the fields recordInterceptor "
				+ "and batchInterceptor of FactoryOfAnotherVersion");
	}

	/**
	 * A stand-in for a Spring Kafka version whose factory keeps its interceptors elsewhere.
	 */
	static class FactoryOfAnotherVersion {

	}

}
