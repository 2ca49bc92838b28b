package io.github.jobmetrics.sample;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Runs the sample on an external broker when {@code spring.artemis.broker-url} is set, and on the embedded one
 * otherwise: Spring Boot embeds Artemis whenever its server is on the class path unless told
 * {@code spring.artemis.mode=native}.
 */
class ExternalBrokerSwitch implements EnvironmentPostProcessor {

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (environment.containsProperty("spring.artemis.broker-url")
				&& !environment.containsProperty("spring.artemis.mode")) {
			environment.getPropertySources()
				.addLast(new MapPropertySource("sample-external-broker", Map.of("spring.artemis.mode", "native")));
		}
	}

}
