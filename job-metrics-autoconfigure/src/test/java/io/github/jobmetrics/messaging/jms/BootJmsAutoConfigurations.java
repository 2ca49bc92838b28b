package io.github.jobmetrics.messaging.jms;

import java.lang.reflect.Proxy;
import java.util.List;

import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.util.ClassUtils;

/**
 * Spring Boot's Artemis and JMS auto-configuration of whichever Boot line is on the test classpath, by name: Spring
 * Boot 4 has them in its {@code spring-boot-artemis} and {@code spring-boot-jms} modules, Spring Boot 3.5 in
 * {@code spring-boot-autoconfigure}. So that the same tests run on each line, as the {@code compat} modules do.
 */
public final class BootJmsAutoConfigurations {

	private static final List<String> BOOT_4 = List.of(
			"org.springframework.boot.artemis.autoconfigure.ArtemisAutoConfiguration",
			"org.springframework.boot.jms.autoconfigure.JmsAutoConfiguration");

	private static final List<String> BOOT_3 = List.of(
			"org.springframework.boot.autoconfigure.jms.artemis.ArtemisAutoConfiguration",
			"org.springframework.boot.autoconfigure.jms.JmsAutoConfiguration");

	private static final String BOOT_4_CUSTOMIZER = "org.springframework.boot.artemis.autoconfigure.ArtemisConfigurationCustomizer";

	private static final String BOOT_3_CUSTOMIZER = "org.springframework.boot.autoconfigure.jms.artemis.ArtemisConfigurationCustomizer";

	private BootJmsAutoConfigurations() {
	}

	/**
	 * Spring Boot's Artemis and JMS auto-configuration of the Boot line on the test classpath.
	 * @return the auto-configurations for an {@code ApplicationContextRunner}
	 */
	public static AutoConfigurations artemisAndJms() {
		return AutoConfigurations
			.of((boot4() ? BOOT_4 : BOOT_3).stream().map(BootJmsAutoConfigurations::resolve).toArray(Class<?>[]::new));
	}

	/**
	 * The runner with an {@code ArtemisConfigurationCustomizer} of this line that makes the embedded broker deliver
	 * each message at most {@code attempts} times.
	 */
	static ApplicationContextRunner withMaxDeliveryAttempts(ApplicationContextRunner runner, int attempts) {
		@SuppressWarnings("unchecked")
		Class<Object> type = (Class<Object>) resolve(boot4() ? BOOT_4_CUSTOMIZER : BOOT_3_CUSTOMIZER);
		// The customizer's one method, customize(Configuration), on either line's interface.
		Object customizer = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type },
				(proxy, method, arguments) -> {
					if (method.getName().equals("customize")) {
						((Configuration) arguments[0]).addAddressSetting("#",
								new AddressSettings().setMaxDeliveryAttempts(attempts));
						return null;
					}
					return switch (method.getName()) {
						case "hashCode" -> System.identityHashCode(proxy);
						case "equals" -> proxy == arguments[0];
						default -> "maxDeliveryAttempts(" + attempts + ")";
					};
				});
		return runner.withBean(type, () -> customizer);
	}

	private static boolean boot4() {
		return ClassUtils.isPresent(BOOT_4.get(0), BootJmsAutoConfigurations.class.getClassLoader());
	}

	private static Class<?> resolve(String name) {
		return ClassUtils.resolveClassName(name, BootJmsAutoConfigurations.class.getClassLoader());
	}

}
