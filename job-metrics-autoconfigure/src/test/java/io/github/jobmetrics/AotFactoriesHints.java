package io.github.jobmetrics;

import java.util.List;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.core.io.support.SpringFactoriesLoader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Spring AOT hints of one of the starter's registrars, loaded from {@code META-INF/spring/aot.factories} as
 * Spring AOT loads them, so that a registrar missing from that file fails its test too.
 */
public final class AotFactoriesHints {

	private AotFactoriesHints() {
	}

	/**
	 * Returns the hints that the registrar of the given type, listed once in {@code aot.factories}, registers.
	 * @param registrar the registrar's class
	 * @return the hints it registered
	 */
	public static RuntimeHints of(Class<? extends RuntimeHintsRegistrar> registrar) {
		// Ours only: the registrars of other jars may need classes that a test classpath lacks.
		List<RuntimeHintsRegistrar> registrars = SpringFactoriesLoader
			.forResourceLocation("META-INF/spring/aot.factories")
			.load(RuntimeHintsRegistrar.class)
			.stream()
			.filter(registrar::isInstance)
			.toList();
		assertThat(registrars).as("%s in META-INF/spring/aot.factories", registrar.getName()).hasSize(1);
		RuntimeHints hints = new RuntimeHints();
		registrars.get(0).registerHints(hints, AotFactoriesHints.class.getClassLoader());
		return hints;
	}

}
