package io.github.jobmetrics.messaging.kafka;

import java.util.List;
import java.util.stream.Stream;

import io.github.jobmetrics.autoconfigure.JobMetricsAutoConfiguration;
import io.github.jobmetrics.autoconfigure.JobMetricsKafkaAutoConfiguration;

import org.springframework.context.annotation.DeferredImportSelector;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.util.ClassUtils;

/**
 * Imports, after the test's own configuration as auto-configuration is, only what a Kafka worker needs: Spring Boot's
 * AOP, metrics and Kafka auto-configuration of whichever Boot line is on the test classpath (by name: Spring Boot 4
 * has them in its {@code spring-boot-micrometer-metrics} and {@code spring-boot-kafka} modules, Spring Boot 3.5 in
 * {@code spring-boot-actuator-autoconfigure} and {@code spring-boot-autoconfigure}), then job-metrics' own. In the
 * order of their {@code @AutoConfiguration(after...)}, so that their conditions see what they build on. And, where
 * Spring Framework 7's {@code @Retryable} exists (not on Spring Boot 3.5, whose {@code compat} module leaves
 * {@link RetryableSettlements} out), the listener that uses it.
 */
final class BootKafkaAutoConfigurations implements DeferredImportSelector {

	private static final List<String> BOOT_4 = List.of(
			"org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
			"org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration",
			"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
			"org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration");

	private static final List<String> BOOT_3 = List.of(
			"org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration",
			"org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration",
			"org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
			"org.springframework.boot.autoconfigure.kafka.KafkaAutoConfiguration");

	private static final String RETRYABLE_SETTLEMENTS = "io.github.jobmetrics.messaging.kafka.RetryableSettlements";

	static boolean retryable() {
		return ClassUtils.isPresent(RETRYABLE_SETTLEMENTS, BootKafkaAutoConfigurations.class.getClassLoader());
	}

	@Override
	public String[] selectImports(AnnotationMetadata metadata) {
		boolean boot4 = ClassUtils.isPresent(BOOT_4.get(0), BootKafkaAutoConfigurations.class.getClassLoader());
		return Stream
			.of(List.of("org.springframework.boot.autoconfigure.aop.AopAutoConfiguration"), boot4 ? BOOT_4 : BOOT_3,
					List.of(JobMetricsAutoConfiguration.class.getName(),
							JobMetricsKafkaAutoConfiguration.class.getName()),
					retryable() ? List.of(RETRYABLE_SETTLEMENTS) : List.<String>of())
			.flatMap(List::stream)
			.toArray(String[]::new);
	}

}
