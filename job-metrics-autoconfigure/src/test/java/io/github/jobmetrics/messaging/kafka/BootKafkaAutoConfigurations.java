package io.github.jobmetrics.messaging.kafka;

import java.util.Arrays;
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
 * {@code spring-boot-actuator-autoconfigure} and {@code spring-boot-autoconfigure}), then job-metrics' own, then the
 * further ones of a subclass. In the order of their {@code @AutoConfiguration(after...)}, so that their conditions see
 * what they build on.
 */
public class BootKafkaAutoConfigurations implements DeferredImportSelector {

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

	private final List<String> others;

	BootKafkaAutoConfigurations() {
		this(new Class<?>[0]);
	}

	/**
	 * Boot's and job-metrics' Kafka auto-configuration followed by the given ones.
	 * @param others further auto-configuration classes, ordered after job-metrics' Kafka auto-configuration
	 */
	protected BootKafkaAutoConfigurations(Class<?>... others) {
		this.others = Arrays.stream(others).map(Class::getName).toList();
	}

	@Override
	public String[] selectImports(AnnotationMetadata metadata) {
		boolean boot4 = ClassUtils.isPresent(BOOT_4.get(0), BootKafkaAutoConfigurations.class.getClassLoader());
		return Stream
			.of(List.of("org.springframework.boot.autoconfigure.aop.AopAutoConfiguration"), boot4 ? BOOT_4 : BOOT_3,
					List.of(JobMetricsAutoConfiguration.class.getName(),
							JobMetricsKafkaAutoConfiguration.class.getName()),
					this.others)
			.flatMap(List::stream)
			.toArray(String[]::new);
	}

}
