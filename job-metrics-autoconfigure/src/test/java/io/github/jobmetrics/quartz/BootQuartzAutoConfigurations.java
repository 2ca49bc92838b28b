package io.github.jobmetrics.quartz;

import java.util.List;

import io.github.jobmetrics.BootMetricsAutoConfigurations;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.util.ClassUtils;

/**
 * Spring Boot's Quartz, DataSource and observation auto-configuration of whichever Boot line is on the test classpath, by name:
 * Spring Boot 4 has them in its {@code spring-boot-quartz} and {@code spring-boot-jdbc} modules, Spring Boot 3.5 in
 * {@code spring-boot-autoconfigure}. So that the same tests run on each line, as the {@code compat} modules do.
 */
final class BootQuartzAutoConfigurations {

	private static final String BOOT_4_QUARTZ = "org.springframework.boot.quartz.autoconfigure.QuartzAutoConfiguration";

	private static final String BOOT_3_QUARTZ = "org.springframework.boot.autoconfigure.quartz.QuartzAutoConfiguration";

	private static final List<String> BOOT_4_JDBC = List.of(
			"org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
			"org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration");

	private static final List<String> BOOT_3_JDBC = List.of(
			"org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
			"org.springframework.boot.autoconfigure.jdbc.DataSourceTransactionManagerAutoConfiguration");

	private BootQuartzAutoConfigurations() {
	}

	static AutoConfigurations observation() {
		return BootMetricsAutoConfigurations.observation();
	}

	static Class<?> quartz() {
		return resolve(boot4() ? BOOT_4_QUARTZ : BOOT_3_QUARTZ);
	}

	static AutoConfigurations dataSource() {
		return of(boot4() ? BOOT_4_JDBC : BOOT_3_JDBC);
	}

	private static AutoConfigurations of(List<String> names) {
		return AutoConfigurations.of(names.stream().map(BootQuartzAutoConfigurations::resolve).toArray(Class<?>[]::new));
	}

	private static boolean boot4() {
		return ClassUtils.isPresent(BOOT_4_QUARTZ, BootQuartzAutoConfigurations.class.getClassLoader());
	}

	private static Class<?> resolve(String name) {
		return ClassUtils.resolveClassName(name, BootQuartzAutoConfigurations.class.getClassLoader());
	}

}
