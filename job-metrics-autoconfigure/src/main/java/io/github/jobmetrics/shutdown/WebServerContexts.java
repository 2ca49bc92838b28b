package io.github.jobmetrics.shutdown;

import java.util.Set;

import org.springframework.context.ApplicationContext;

/**
 * Whether an application context runs a real web server, on each Spring Boot line: the interface that such a
 * context implements moved from {@code org.springframework.boot.web.context} (Boot 3.5) to
 * {@code org.springframework.boot.web.server.context} (Boot 4). A mock web environment ({@code @SpringBootTest}'s
 * default) implements neither. Compared by name, among the interfaces the context's class implements, so that no
 * class is loaded by name (nothing to register for a native image).
 */
final class WebServerContexts {

	private static final Set<String> TYPES = Set.of(
			"org.springframework.boot.web.server.context.WebServerApplicationContext",
			"org.springframework.boot.web.context.WebServerApplicationContext");

	private WebServerContexts() {
	}

	static boolean runsWebServer(ApplicationContext context) {
		for (Class<?> type = context.getClass(); type != null; type = type.getSuperclass()) {
			if (implementsOne(type.getInterfaces())) {
				return true;
			}
		}
		return false;
	}

	// Interfaces extend others: ConfigurableWebServerApplicationContext extends WebServerApplicationContext.
	private static boolean implementsOne(Class<?>[] interfaces) {
		for (Class<?> type : interfaces) {
			if (TYPES.contains(type.getName()) || implementsOne(type.getInterfaces())) {
				return true;
			}
		}
		return false;
	}

}
