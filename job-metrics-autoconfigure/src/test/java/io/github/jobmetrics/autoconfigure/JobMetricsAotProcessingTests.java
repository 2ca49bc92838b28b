package io.github.jobmetrics.autoconfigure;

import java.util.Optional;

import io.github.jobmetrics.TracedJob;
import io.github.jobmetrics.endpoint.JobsEndpoint;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.core.SimpleLock;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.aot.generate.ClassNameGenerator;
import org.springframework.aot.generate.DefaultGenerationContext;
import org.springframework.aot.generate.InMemoryGeneratedFiles;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.TypeReference;
import org.springframework.aot.hint.predicate.ReflectionHintsPredicates;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.aot.ApplicationContextAotGenerator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.javapoet.ClassName;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spring AOT's build-time processing (what {@code spring-boot:process-aot} runs) of an application with all of
 * Spring Boot's auto-configuration and every job-metrics integration, on each Boot line (the {@code compat} modules
 * run it): it generates the bean definitions without failing, and its hints cover what job-metrics reads or calls
 * reflectively in the application, from the hints of the starter's registrars to the {@code @TracedJob} methods of
 * the application's beans and the responses of {@code /actuator/jobs}. The sample app's {@code AotModeIT} runs the
 * generated code.
 */
class JobMetricsAotProcessingTests {

	private static final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withUserConfiguration(Application.class)
		.withPropertyValues("management.endpoints.web.exposure.include=jobs",
				"job-metrics.prometheus.native-histograms=true", "management.otlp.metrics.export.enabled=false",
				"spring.artemis.embedded.enabled=false", "spring.aop.proxy-target-class=false",
				"job-metrics.retry-exceptions=java.io.IOException, " + TransientException.class.getName());

	// One processing for the tests that read its hints: it takes seconds, with all of Boot's auto-configuration.
	private static RuntimeHints hints;

	@BeforeAll
	static void processTheApplicationAheadOfTime() {
		hints = processAheadOfTime(contextRunner);
	}

	private final ReflectionHintsPredicates reflection = RuntimeHintsPredicates.reflection();

	// Spring AOT registers the methods of a bean that it gives a class proxy at build time, but not those of one
	// that gets a JDK proxy, whose target method the advisor then calls reflectively: @Reflective on @TracedJob does.
	@Test
	void registersTheTracedMethodsOfTheApplicationsBeansAlsoBehindJdkProxies() {
		assertThat(hints).matches(this.reflection.onMethod(TracedWork.class, "export").invoke())
			.matches(this.reflection.onMethod(TracedClass.class, "first").invoke());
	}

	@Test
	void registersTheResponsesOfTheJobsEndpointForJsonBinding() {
		assertThat(hints).matches(this.reflection.onMethod(JobsEndpoint.JobsDescriptor.class, "jobs").invoke())
			.matches(this.reflection.onMethod(JobsEndpoint.JobDescriptor.class, "workedSeconds").invoke())
			.matches(this.reflection.onMethod(JobsEndpoint.RunDescriptor.class, "elapsedSeconds").invoke());
	}

	@Test
	void registersTheRetryExceptionsThatTheConfigurationNames() {
		assertThat(hints).matches(this.reflection.onType(TransientException.class))
			.matches(this.reflection.onType(java.io.IOException.class));
	}

	@Test
	void appliesTheStartersRegistrarsFromAotFactories() {
		assertThat(hints).matches(this.reflection
			.onType(TypeReference.of("org.springframework.jms.listener.AbstractPollingMessageListenerContainer")));
	}

	// Spring AOT generates at build time the proxy class that each post-processor predicts, and a native image has
	// no other: the prediction must be the proxy that the locking integration makes at start-up.
	@Test
	void generatesTheClassProxyThatTheLockingIntegrationMakesOfALockProviderAtStartUp() {
		assertThat(hints.reflection().typeHints())
			.anyMatch((type) -> type.getType().getName().startsWith(OpenLockProvider.class.getName() + "$$SpringCGLIB$$"))
			.noneMatch((type) -> type.getType().getName().startsWith(FinalLockProvider.class.getName() + "$$"));
	}

	@Test
	void leavesANameThatIsNoClassNameToStartUpWithoutFailingTheBuild() {
		RuntimeHints processed = processAheadOfTime(
				contextRunner.withPropertyValues("job-metrics.retry-exceptions=not a class"));
		assertThat(processed.reflection().typeHints()).noneMatch((type) -> type.getType().getName().contains(" "));
	}

	private static RuntimeHints processAheadOfTime(ApplicationContextRunner runner) {
		DefaultGenerationContext generationContext = new DefaultGenerationContext(
				new ClassNameGenerator(ClassName.get(JobMetricsAotProcessingTests.class)), new InMemoryGeneratedFiles());
		runner.prepare((context) -> new ApplicationContextAotGenerator()
			.processAheadOfTime((GenericApplicationContext) context.getSourceApplicationContext(), generationContext));
		generationContext.writeGeneratedContent();
		return generationContext.getRuntimeHints();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Application {

		@Bean
		TracedWork tracedWork() {
			return new TracedWork();
		}

		@Bean
		FinalLockProvider finalLockProvider() {
			return new FinalLockProvider();
		}

		@Bean
		OpenLockProvider openLockProvider() {
			return new OpenLockProvider();
		}

		@Bean
		TracedClass tracedClass() {
			return new TracedClass();
		}

	}

	interface Work {

		void export();

	}

	static class TracedWork implements Work {

		@TracedJob("aot-export")
		@Override
		public void export() {
		}

		public void helper() {
		}

	}

	@TracedJob("aot-class")
	static class TracedClass {

		public void first() {
		}

	}

	// The locking integration gives a provider that it can subclass a class proxy, keeping it injectable by its class.
	public static class OpenLockProvider implements LockProvider {

		@Override
		public Optional<SimpleLock> lock(LockConfiguration lockConfiguration) {
			return Optional.empty();
		}

	}

	// The locking integration proxies a final provider by its interface: no class proxy can be made of it.
	static final class FinalLockProvider implements LockProvider {

		@Override
		public Optional<SimpleLock> lock(LockConfiguration lockConfiguration) {
			return Optional.empty();
		}

	}

	static class TransientException extends RuntimeException {

		private static final long serialVersionUID = 1L;

	}

}
