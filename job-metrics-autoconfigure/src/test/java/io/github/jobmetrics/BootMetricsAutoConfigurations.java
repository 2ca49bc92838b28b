package io.github.jobmetrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.util.ClassUtils;

/**
 * Spring Boot's metrics auto-configuration (registry, composite and simple export) of whichever Boot line is on
 * the test classpath, so that the same tests run on Spring Boot 4.x (module {@code spring-boot-micrometer-metrics})
 * and on Spring Boot 3.5 (in {@code spring-boot-actuator-autoconfigure}), as the {@code compat} modules do.
 */
public final class BootMetricsAutoConfigurations {

	private static final List<String> BOOT_4 = List.of(
			"org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
			"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
			"org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration");

	private static final List<String> BOOT_3 = List.of(
			"org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration",
			"org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
			"org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration");

	private static final List<String> BOOT_4_OBSERVATION = List.of(
			"org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration",
			"org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration");

	private static final List<String> BOOT_3_OBSERVATION = List.of(
			"org.springframework.boot.actuate.autoconfigure.observation.ObservationAutoConfiguration",
			"org.springframework.boot.actuate.autoconfigure.tracing.MicrometerTracingAutoConfiguration");

	private BootMetricsAutoConfigurations() {
	}

	/**
	 * Boot's Observation and tracing auto-configuration, for a test that brings its own {@code Tracer}.
	 * @return the auto-configurations for an {@code ApplicationContextRunner}
	 */
	public static AutoConfigurations observation() {
		ClassLoader classLoader = BootMetricsAutoConfigurations.class.getClassLoader();
		List<String> names = ClassUtils.isPresent(BOOT_4.get(0), classLoader) ? BOOT_4_OBSERVATION
				: BOOT_3_OBSERVATION;
		return AutoConfigurations.of(names.stream()
			.<Class<?>>map((name) -> ClassUtils.resolveClassName(name, classLoader))
			.toArray(Class<?>[]::new));
	}

	/**
	 * Boot's metrics auto-configuration classes followed by the given ones.
	 * @param others further auto-configuration classes, such as {@code JobMetricsAutoConfiguration}
	 * @return the auto-configurations for an {@code ApplicationContextRunner}
	 */
	public static AutoConfigurations with(Class<?>... others) {
		List<Class<?>> classes = new ArrayList<>(classes());
		classes.addAll(Arrays.asList(others));
		return AutoConfigurations.of(classes.toArray(Class<?>[]::new));
	}

	/**
	 * The one of two auto-configuration classes that the Boot line on the test classpath has.
	 * @param boot4 its name on Spring Boot 4.x
	 * @param boot3 its name on Spring Boot 3.5
	 * @return the class
	 */
	public static Class<?> either(String boot4, String boot3) {
		ClassLoader classLoader = BootMetricsAutoConfigurations.class.getClassLoader();
		return ClassUtils.resolveClassName(ClassUtils.isPresent(boot4, classLoader) ? boot4 : boot3, classLoader);
	}

	/**
	 * Spring Boot's Prometheus export auto-configuration of the Boot line on the test classpath.
	 * @return the class
	 */
	public static Class<?> prometheus() {
		return either("org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusMetricsExportAutoConfiguration",
				"org.springframework.boot.actuate.autoconfigure.metrics.export.prometheus.PrometheusMetricsExportAutoConfiguration");
	}

	/**
	 * Spring Boot's metrics and composite registry auto-configuration, without an export, of the Boot line on the
	 * test classpath, followed by the given ones.
	 * @param others further auto-configuration classes
	 * @return the auto-configurations for an {@code ApplicationContextRunner}
	 */
	public static AutoConfigurations withoutExport(Class<?>... others) {
		List<Class<?>> classes = new ArrayList<>(classes().subList(0, 2));
		classes.addAll(Arrays.asList(others));
		return AutoConfigurations.of(classes.toArray(Class<?>[]::new));
	}

	private static List<Class<?>> classes() {
		ClassLoader classLoader = BootMetricsAutoConfigurations.class.getClassLoader();
		List<String> names = ClassUtils.isPresent(BOOT_4.get(0), classLoader) ? BOOT_4 : BOOT_3;
		return names.stream().<Class<?>>map((name) -> ClassUtils.resolveClassName(name, classLoader)).toList();
	}

}
