package io.github.jobmetrics.batch;

import java.util.List;

import org.springframework.util.ClassUtils;

/**
 * Spring Boot's Batch (with its JDBC job repository) and DataSource auto-configuration of whichever Boot line is on
 * the test classpath, by name: Spring Boot 4 has them in its {@code spring-boot-batch}, {@code spring-boot-batch-jdbc}
 * and {@code spring-boot-jdbc} modules, Spring Boot 3.5 in {@code spring-boot-autoconfigure}. So that the same tests
 * run on each line, as the {@code compat} modules do.
 */
final class BootBatchAutoConfigurations {

	private static final List<String> BOOT_4 = List.of(
			"org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
			"org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration",
			"org.springframework.boot.batch.autoconfigure.BatchAutoConfiguration",
			"org.springframework.boot.batch.jdbc.autoconfigure.BatchJdbcAutoConfiguration");

	private static final List<String> BOOT_3 = List.of(
			"org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
			"org.springframework.boot.autoconfigure.jdbc.DataSourceTransactionManagerAutoConfiguration",
			"org.springframework.boot.autoconfigure.batch.BatchAutoConfiguration");

	private BootBatchAutoConfigurations() {
	}

	static Class<?>[] classes() {
		return resolve(boot4() ? BOOT_4 : BOOT_3);
	}

	private static boolean boot4() {
		return ClassUtils.isPresent(BOOT_4.get(2), BootBatchAutoConfigurations.class.getClassLoader());
	}

	private static Class<?>[] resolve(List<String> names) {
		ClassLoader classLoader = BootBatchAutoConfigurations.class.getClassLoader();
		return names.stream().map((name) -> ClassUtils.resolveClassName(name, classLoader)).toArray(Class<?>[]::new);
	}

}
