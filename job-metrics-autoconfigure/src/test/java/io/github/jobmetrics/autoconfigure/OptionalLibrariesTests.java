package io.github.jobmetrics.autoconfigure;

import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.github.jobmetrics.TracedJob;
import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Mono;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionEvaluationReport;
import org.springframework.boot.autoconfigure.condition.ConditionEvaluationReport.ConditionAndOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionEvaluationReport.ConditionAndOutcomes;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.SmartClassLoader;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The optional-library matrix: a Spring Boot application with all of its auto-configuration (Boot's and every
 * job-metrics one that the {@code AutoConfiguration.imports} files list, whatever classes they are split into)
 * starts with each optional library absent, and with all of them present; job-metrics' beans of an integration
 * are there exactly when its library is, a traced job is counted in every case, and an integration switched off
 * says so in the condition evaluation report; the starter's Spring AOT registrars load and register their hints
 * with each library absent. Runs on every Boot line (the {@code compat} modules run it).
 * <p>
 * The application is {@code @EnableAutoConfiguration}: it reads the candidates from the imports files
 * ({@link ImportCandidates}) through the context's class loader and parses them from their class files, as an
 * application does, so that no auto-configuration is named here and a condition on a hidden class is evaluated, not
 * lost to reflection.
 * <p>
 * A {@link FilteredClassLoader} alone hides a library from conditions only: the classes of job-metrics, loaded by
 * the application class loader in a test, would still link against it, so that a {@link LinkageError} a user
 * without the library gets would never show here. {@link OwnClassesFirst} loads them again, so that they link
 * through the filter.
 */
@ExtendWith(OutputCaptureExtension.class)
class OptionalLibrariesTests {

	/**
	 * One optional library: the package of the job-metrics integration whose beans need it ({@code null}: none),
	 * and the library's packages.
	 */
	enum Library {

		JMS("io.github.jobmetrics.messaging.jms", "org.springframework.jms.", "jakarta.jms."),

		KAFKA("io.github.jobmetrics.messaging.kafka", "org.springframework.kafka.", "org.apache.kafka."),

		AMQP("io.github.jobmetrics.messaging.amqp", "org.springframework.amqp.", "com.rabbitmq."),

		// Mono and Flux returned by a job are followed only when Reactor is there; no bean depends on it.
		REACTOR(null, "reactor."),

		// Whether the Observation integration is on depends on the application's tracer bean, not on the library
		// alone; its own tests prove that on each line. Here: no failure with micrometer-tracing absent or present.
		TRACING(null, "io.micrometer.tracing.", "io.opentelemetry."),

		SCHEDULING("io.github.jobmetrics.scheduling", "org.springframework.scheduling."),

		// Spring's @Async support alone (all of org.springframework.scheduling is SCHEDULING's, which hides it too).
		ASYNC("io.github.jobmetrics.async", "org.springframework.scheduling.annotation.Async",
				"org.springframework.aop.interceptor.AsyncExecution"),

		// With Spring's Quartz support, which lies in SCHEDULING's packages (so hiding those hides it too).
		QUARTZ("io.github.jobmetrics.quartz", "org.quartz.", "org.springframework.scheduling.quartz."),

		SHEDLOCK("io.github.jobmetrics.locking", "net.javacrumbs.shedlock."),

		// Spring Batch 6 on Boot 4, 5 on Boot 3.5: each line's own listener interfaces.
		BATCH("io.github.jobmetrics.batch", "org.springframework.batch."),

		ACTUATOR_ENDPOINT("io.github.jobmetrics.endpoint", "org.springframework.boot.actuate.endpoint."),

		PROMETHEUS("io.github.jobmetrics.prometheus", "io.micrometer.prometheusmetrics.", "io.prometheus.");

		private final @Nullable String integration;

		private final List<String> packages;

		Library(@Nullable String integration, String... packages) {
			this.integration = integration;
			this.packages = List.of(packages);
		}

		boolean owns(String className) {
			return this.packages.stream().anyMatch(className::startsWith);
		}

		// Hiding this library hides the other too when one of its packages lies in this one's.
		boolean hides(Library other) {
			return other == this || other.packages.stream().anyMatch(this::owns);
		}

	}

	// A class name in a condition's message ("did not find required class 'org.example.Type'").
	private static final Pattern CLASS_NAME = Pattern.compile("[A-Za-z_$][\\w$]*(?:\\.[A-Za-z_$][\\w$]*)+");

	// Nothing to connect to (no OTLP receiver, and no broker started per context); /actuator/jobs, off by default,
	// exposed so that its integration has beans.
	private static final String[] DEFAULTS = { "management.otlp.metrics.export.enabled=false",
			"spring.artemis.embedded.enabled=false", "management.endpoints.web.exposure.include=jobs" };

	// Native histograms, off by default, asked for.
	private static final String[] PROPERTIES = { DEFAULTS[0], DEFAULTS[1], DEFAULTS[2],
			"job-metrics.prometheus.native-histograms=true" };

	// Also what job-metrics catches and logs instead of failing (a job it could not inspect or trace) counts.
	private static final List<String> LINKAGE_ERRORS = List.of("LinkageError", "NoClassDefFoundError",
			"NoSuchMethodError", "NoSuchFieldError", "AbstractMethodError", "IncompatibleClassChangeError");

	@Test
	void startsWithEveryLibraryAndConfiguresEveryIntegration(CapturedOutput output) {
		run(null);
		assertThat(output).doesNotContain(LINKAGE_ERRORS);
	}

	@ParameterizedTest
	@EnumSource(Library.class)
	void startsWithoutTheLibraryAndConfiguresEveryOtherIntegration(Library absent, CapturedOutput output) {
		run(absent);
		assertThat(output).doesNotContain(LINKAGE_ERRORS);
	}

	// The default Prometheus path, native histograms not asked for: without a tracing library the tracer counts the
	// duration histograms itself; with one (and the OpenTelemetry bridge it brings) Micrometer's timer is kept for
	// its exemplars. Either way the scrape has each job's histogram once.
	@ParameterizedTest
	@EnumSource(value = Library.class, names = { "TRACING", "REACTOR" })
	void scrapesTheDurationHistogramOnceWithTheDefaultSettings(Library absent, CapturedOutput output) {
		run(absent, DEFAULTS, (context) -> {
			Object registry = context.getBean("prometheusMeterRegistry");
			String scrape = (String) invoke(registry, "scrape");
			assertThat(scrape.lines()
				.filter((line) -> line.startsWith("job_duration_seconds_count{")
						&& line.contains("job_name=\"matrix-job\"")))
				.singleElement()
				.satisfies((line) -> assertThat(Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
					.isEqualTo(1.0));
			assertThat(invoke(context.getBean("jobTracer"), "countsDurationHistograms"))
				.isEqualTo(absent == Library.TRACING);
		});
		assertThat(output).doesNotContain(LINKAGE_ERRORS);
	}

	// Spring AOT loads every registrar that an aot.factories file lists, whatever the application's classpath: the
	// starter's must register their hints by name, loading no class of a library that may be absent.
	@ParameterizedTest
	@EnumSource(Library.class)
	void registersItsAotHintsWithoutTheLibrary(Library absent) {
		OwnClassesFirst classLoader = new OwnClassesFirst(new FilteredClassLoader(absent::owns));
		List<RuntimeHintsRegistrar> registrars = SpringFactoriesLoader
			.forResourceLocation("META-INF/spring/aot.factories", classLoader)
			.load(RuntimeHintsRegistrar.class, null, (type, name, failure) -> {
				if (name.startsWith(OwnClassesFirst.OWN)) {
					throw new AssertionError(name + " without " + absent, failure);
				}
			})
			.stream()
			.filter((registrar) -> registrar.getClass().getName().startsWith(OwnClassesFirst.OWN))
			.toList();
		assertThat(registrars).hasSizeGreaterThanOrEqualTo(4)
			.allMatch((registrar) -> registrar.getClass().getClassLoader() == classLoader);
		RuntimeHints hints = new RuntimeHints();
		registrars.forEach((registrar) -> registrar.registerHints(hints, classLoader));
		assertThat(hints.reflection().typeHints()).isNotEmpty();
	}

	private void run(@Nullable Library absent) {
		run(absent, PROPERTIES, (context) -> {
		});
	}

	private void run(@Nullable Library absent, String[] properties,
			Consumer<AssertableApplicationContext> assertions) {
		Predicate<String> hidden = (name) -> absent != null && absent.owns(name);
		for (Library library : Library.values()) {
			// The matrix means nothing on a classpath that lacks a library to begin with.
			assertThat(ClassUtils.isPresent(probe(library), getClass().getClassLoader()))
				.as("%s on the test classpath", library)
				.isTrue();
		}
		OwnClassesFirst classLoader = new OwnClassesFirst(new FilteredClassLoader(hidden));
		ApplicationContextRunner runner = new ApplicationContextRunner().withClassLoader(classLoader)
			.withUserConfiguration(Application.class)
			.withPropertyValues(properties)
			.withBean("countedJob", classLoader.load(CountedJob.class));
		if (absent != Library.REACTOR) {
			runner = runner.withBean("reactiveJob", classLoader.load(ReactiveJob.class));
		}
		runner.run((context) -> {
			assertThat(context).hasNotFailed();
			for (Library library : Library.values()) {
				String integration = library.integration;
				// The tracer's own histograms are a collector inside the Prometheus registry, no bean: with the
				// defaults, the scrape shows whether that integration is in use.
				if (integration != null && !(library == Library.PROMETHEUS && properties == DEFAULTS)) {
					assertThatIntegrationIsThereExactlyWhenItsLibraryIs(context, integration, library,
							absent != null && absent.hides(library));
				}
			}
			assertThatEveryJobMetricsAutoConfigurationWasEvaluated(context, classLoader);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			invoke(context.getBean("countedJob"), "run");
			assertThat(successes(registry, "matrix-job")).isEqualTo(1);
			if (absent != Library.REACTOR) {
				Mono<?> work = (Mono<?>) invoke(context.getBean("reactiveJob"), "work");
				// A run of a reactive job starts at subscription: the Reactor support is really in use.
				assertThat(successes(registry, "matrix-reactive-job")).isZero();
				work.block();
				assertThat(successes(registry, "matrix-reactive-job")).isEqualTo(1);
			}
			assertions.accept(context);
		});
	}

	// Without its library an integration has no beans, and a condition of job-metrics says which class it missed.
	// With it, the integration has beans, unless this line's version of the library lacks a class the integration
	// needs: then it is switched off in the same way, naming that class.
	private static void assertThatIntegrationIsThereExactlyWhenItsLibraryIs(AssertableApplicationContext context,
			String integration, Library library, boolean absent) {
		List<String> beans = beanTypesIn(context, integration);
		if (absent) {
			assertThat(beans).as("beans of %s without %s", integration, library).isEmpty();
			assertThat(missedClasses(context, library))
				.as("classes of %s that job-metrics conditions missed, in %s", library, notMatched(context))
				.isNotEmpty();
		}
		else if (beans.isEmpty()) {
			assertThat(missedClasses(context, library))
				.as("beans of %s with %s present, or conditions that missed a class this line's %s lacks, in %s",
						integration, library, library, notMatched(context))
				.isNotEmpty()
				.allMatch((name) -> !ClassUtils.isPresent(name, OptionalLibrariesTests.class.getClassLoader()));
		}
	}

	private static List<String> missedClasses(AssertableApplicationContext context, Library library) {
		List<String> classes = new ArrayList<>();
		for (String outcome : notMatched(context)) {
			Matcher name = CLASS_NAME.matcher(outcome);
			while (name.find()) {
				if (library.owns(name.group())) {
					classes.add(name.group());
				}
			}
		}
		return classes;
	}

	private static String probe(Library library) {
		return switch (library) {
			case JMS -> "org.springframework.jms.config.JmsListenerEndpointRegistry";
			case KAFKA -> "org.springframework.kafka.listener.RecordInterceptor";
			case AMQP -> "org.springframework.amqp.rabbit.listener.AbstractMessageListenerContainer";
			case REACTOR -> "reactor.core.publisher.Mono";
			case TRACING -> "io.micrometer.tracing.Tracer";
			case SCHEDULING -> "org.springframework.scheduling.annotation.SchedulingConfigurer";
			case ASYNC -> "org.springframework.scheduling.annotation.AsyncAnnotationAdvisor";
			case QUARTZ -> "org.quartz.Scheduler";
			case SHEDLOCK -> "net.javacrumbs.shedlock.core.LockProvider";
			case BATCH -> "org.springframework.batch.core.job.AbstractJob";
			case ACTUATOR_ENDPOINT -> "org.springframework.boot.actuate.endpoint.annotation.Endpoint";
			case PROMETHEUS -> "io.micrometer.prometheusmetrics.PrometheusMeterRegistry";
		};
	}

	private static List<String> beanTypesIn(AssertableApplicationContext context, String packageName) {
		List<String> types = new ArrayList<>();
		for (String name : context.getBeanDefinitionNames()) {
			Class<?> type = context.getType(name);
			if (type != null && type.getName().startsWith(packageName + ".")) {
				types.add(type.getName());
			}
		}
		return types;
	}

	// Each job-metrics auto-configuration that the imports files list, also those split out later, is either
	// configured or in the report with the condition that switched it off.
	private static void assertThatEveryJobMetricsAutoConfigurationWasEvaluated(AssertableApplicationContext context,
			ClassLoader classLoader) {
		Set<String> ours = new LinkedHashSet<>();
		ImportCandidates.load(AutoConfiguration.class, classLoader)
			.forEach((name) -> {
				if (name.startsWith("io.github.jobmetrics.")) {
					ours.add(name);
				}
			});
		assertThat(ours).contains(JobMetricsAutoConfiguration.class.getName());
		ConditionEvaluationReport report = ConditionEvaluationReport.get(context.getBeanFactory());
		Map<String, ConditionAndOutcomes> outcomes = report.getConditionAndOutcomesBySource();
		Set<String> configured = new LinkedHashSet<>();
		for (String bean : context.getBeanDefinitionNames()) {
			configured.add(context.getBeanFactory().getBeanDefinition(bean).getBeanClassName());
		}
		for (String name : ours) {
			assertThat(configured.contains(name) || outcomes.containsKey(name))
				.as("%s configured or in the condition evaluation report", name)
				.isTrue();
		}
	}

	private static List<String> notMatched(AssertableApplicationContext context) {
		return ConditionEvaluationReport.get(context.getBeanFactory())
			.getConditionAndOutcomesBySource()
			.entrySet()
			.stream()
			.filter((entry) -> entry.getKey().startsWith("io.github.jobmetrics."))
			.flatMap((entry) -> stream(entry.getValue()).filter((outcome) -> !outcome.getOutcome().isMatch())
				.map((outcome) -> entry.getKey() + ": " + outcome.getOutcome().getMessage()))
			.toList();
	}

	private static Stream<ConditionAndOutcome> stream(ConditionAndOutcomes outcomes) {
		List<ConditionAndOutcome> list = new ArrayList<>();
		outcomes.forEach(list::add);
		return list.stream();
	}

	private static double successes(MeterRegistry registry, String job) {
		Meter meter = registry.find("job.executions").tags("job.name", job, "result", "success").meter();
		assertThat(meter).as("job.executions of %s", job).isNotNull();
		double sum = 0;
		for (Measurement measurement : meter.measure()) {
			sum += measurement.getValue();
		}
		return sum;
	}

	// The job beans are of classes of OwnClassesFirst: reached by name, not by the types this test class sees.
	private static @Nullable Object invoke(Object bean, String method) {
		try {
			return bean.getClass().getMethod(method).invoke(bean);
		}
		catch (InvocationTargetException ex) {
			throw new IllegalStateException(ex.getCause());
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Application {

	}

	public static class CountedJob {

		@TracedJob("matrix-job")
		public void run() {
		}

	}

	public static class ReactiveJob {

		@TracedJob("matrix-reactive-job")
		public Mono<String> work() {
			return Mono.fromSupplier(() -> "done");
		}

	}

	/**
	 * Loads the classes of job-metrics (main and test) itself, from where the application class loader found them,
	 * and everything else through its parent: the classes of job-metrics then link against the libraries through
	 * that parent, as they do in an application that lacks one.
	 */
	static final class OwnClassesFirst extends URLClassLoader implements SmartClassLoader {

		static final String OWN = "io.github.jobmetrics.";

		OwnClassesFirst(ClassLoader parent) {
			super(locations(), parent);
		}

		private static URL[] locations() {
			return Stream.of(JobMetricsAutoConfiguration.class, OptionalLibrariesTests.class)
				.map((type) -> type.getProtectionDomain().getCodeSource().getLocation())
				.distinct()
				.toArray(URL[]::new);
		}

		Class<?> load(Class<?> type) {
			return ClassUtils.resolveClassName(type.getName(), this);
		}

		@Override
		protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
			if (!name.startsWith(OWN)) {
				return super.loadClass(name, resolve);
			}
			synchronized (getClassLoadingLock(name)) {
				Class<?> loaded = findLoadedClass(name);
				if (loaded == null) {
					loaded = findClass(name);
				}
				if (resolve) {
					resolveClass(loaded);
				}
				return loaded;
			}
		}

		// Class proxies of the job beans are defined next to their classes, here.
		@Override
		public Class<?> publicDefineClass(String name, byte[] b, @Nullable ProtectionDomain protectionDomain) {
			return defineClass(name, b, 0, b.length, protectionDomain);
		}

	}

}
