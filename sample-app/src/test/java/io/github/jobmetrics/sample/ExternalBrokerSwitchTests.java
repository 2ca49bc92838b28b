package io.github.jobmetrics.sample;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ExternalBrokerSwitch}.
 */
class ExternalBrokerSwitchTests {

	private final ExternalBrokerSwitch brokerSwitch = new ExternalBrokerSwitch();

	@Test
	void aBrokerUrlSwitchesToTheExternalBroker() {
		MockEnvironment environment = new MockEnvironment().withProperty("spring.artemis.broker-url",
				"tcp://broker:61616");
		this.brokerSwitch.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty("spring.artemis.mode")).isEqualTo("native");
	}

	@Test
	void withoutABrokerUrlTheBrokerStaysEmbedded() {
		MockEnvironment environment = new MockEnvironment();
		this.brokerSwitch.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty("spring.artemis.mode")).isNull();
	}

	@Test
	void anExplicitModeWins() {
		MockEnvironment environment = new MockEnvironment().withProperty("spring.artemis.broker-url", "tcp://b:1")
			.withProperty("spring.artemis.mode", "embedded");
		this.brokerSwitch.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty("spring.artemis.mode")).isEqualTo("embedded");
	}

}
