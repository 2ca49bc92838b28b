package io.github.jobmetrics.compat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.Manifest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import org.springframework.boot.SpringBootVersion;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter on one Spring Boot line, as a user of that line takes it: one dependency, and the line's parent or BOM
 * chooses the version of everything it brings. A starter dependency that the line does not manage (such as a
 * starter that exists only on a newer line) would come in at the version this build manages, so every Spring Boot
 * jar on the classpath must be of the line's own version.
 */
// Run by the boot-line-application execution of compat/pom.xml, on the classpath of a user of the starter.
@EnabledIfSystemProperty(named = "job-metrics.expected-boot-version", matches = ".+")
class BootLineClasspathTests {

	@Test
	void everySpringBootJarOnTheClasspathIsOfThisLine() throws IOException {
		String line = SpringBootVersion.getVersion();
		List<String> bootJars = new ArrayList<>();
		List<String> otherVersions = new ArrayList<>();
		ClassLoader classLoader = BootLineClasspathTests.class.getClassLoader();
		for (URL url : Collections.list(classLoader.getResources("META-INF/MANIFEST.MF"))) {
			Attributes attributes = manifest(url).getMainAttributes();
			// Spring Boot's build names every jar's module spring.boot.* (spring.boot.starter.aspectj, ...).
			String module = attributes.getValue("Automatic-Module-Name");
			if (module == null || !(module.equals("spring.boot") || module.startsWith("spring.boot."))) {
				continue;
			}
			String version = attributes.getValue("Implementation-Version");
			String jar = module + " " + version + " (" + url + ")";
			bootJars.add(jar);
			if (!line.equals(version)) {
				otherVersions.add(jar);
			}
		}
		assertThat(bootJars).as("Spring Boot jars found by their manifests").isNotEmpty();
		assertThat(otherVersions).as("Spring Boot jars of another version than this line's %s", line).isEmpty();
	}

	private static Manifest manifest(URL url) throws IOException {
		try (InputStream in = url.openStream()) {
			return new Manifest(in);
		}
	}

}
