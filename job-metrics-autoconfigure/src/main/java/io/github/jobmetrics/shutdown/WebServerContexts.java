package io.github.jobmetrics.shutdown;

import java.util.List;

import org.springframework.context.ApplicationContext;
import org.springframework.util.ClassUtils;

/**
 * Whether an application context runs a real web server, on each Spring Boot line: the interface that such a
 * context implements moved from {@code org.springframework.boot.web.context} (Boot 3.5) to
 * {@code org.springframework.boot.web.server.context} (Boot 4). A mock web environment ({@code @SpringBootTest}'s
 * default) implements neither.
 */
final class WebServerContexts {

	private static final List<String> TYPES = List.of(
			"org.springframework.boot.web.server.context.WebServerApplicationContext",
			"org.springframework.boot.web.context.WebServerApplicationContext");

	private WebServerContexts() {
	}

	static boolean runsWebServer(ApplicationContext context) {
		ClassLoader classLoader = context.getClassLoader();
		for (String type : TYPES) {
			if (ClassUtils.isPresent(type, classLoader)
					&& ClassUtils.resolveClassName(type, classLoader).isInstance(context)) {
				return true;
			}
		}
		return false;
	}

}
