package io.github.jobmetrics.autoconfigure;

import java.util.List;

import javax.lang.model.SourceVersion;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.ReflectionHints;
import org.springframework.aot.hint.TypeReference;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotContribution;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;

/**
 * Registers, at build time, a reflection hint for each class that {@code job-metrics.retry-exceptions} names, since
 * {@link JobMeterSettingsFactory} loads them by name at start-up: in a native image a class without a hint is not
 * found, and start-up would fail saying it is not on the classpath. The names are those of the build's
 * configuration; a class named only in configuration given at run time needs a hint of the application's own.
 */
class RetryExceptionsAotProcessor implements BeanFactoryInitializationAotProcessor {

	@Override
	public @Nullable BeanFactoryInitializationAotContribution processAheadOfTime(
			ConfigurableListableBeanFactory beanFactory) {
		if (!beanFactory.containsBean(ConfigurableApplicationContext.ENVIRONMENT_BEAN_NAME)) {
			return null;
		}
		Environment environment = beanFactory.getBean(ConfigurableApplicationContext.ENVIRONMENT_BEAN_NAME,
				Environment.class);
		// A name that is no class name at all is left to start-up, which fails naming the setting and the fix.
		List<String> names = Binder.get(environment)
			.bind("job-metrics.retry-exceptions", Bindable.listOf(String.class))
			.orElse(List.of())
			.stream()
			.map(String::strip)
			.filter(SourceVersion::isName)
			.toList();
		if (names.isEmpty()) {
			return null;
		}
		return (generationContext, code) -> {
			ReflectionHints reflection = generationContext.getRuntimeHints().reflection();
			names.forEach((name) -> reflection.registerType(TypeReference.of(name)));
		};
	}

}
