package io.github.jobmetrics.messaging.amqp;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.util.ReflectionUtils;

/**
 * The members of Spring AMQP classes without public API that this package reads reflectively, each looked up once
 * (in a static field of its user) and reported once, with what the starter assumes instead, when a Spring AMQP
 * version no longer has it. {@link RabbitListenerRuntimeHints} registers the same members for Spring AOT; the
 * RabbitMQ section of docs/message-listeners.md lists them with the versions they were verified on.
 */
final class SpringAmqpMembers {

	private static final Log logger = LogFactory.getLog(SpringAmqpMembers.class);

	// One warning per member, however often it is looked up (each class initialisation, each test context).
	private static final Set<String> reported = ConcurrentHashMap.newKeySet();

	private SpringAmqpMembers() {
	}

	/**
	 * The field, made accessible, or {@code null} (and one warning) if this Spring AMQP version has none.
	 * @param consequence what the starter does without it, for the warning
	 */
	static @Nullable Field field(Class<?> type, String name, String consequence) {
		try {
			Field field = ReflectionUtils.findField(type, name);
			if (field != null) {
				ReflectionUtils.makeAccessible(field);
				return field;
			}
		}
		catch (RuntimeException ex) {
			// Inaccessible (a module system that does not open it): reported below like an absent one.
		}
		unreadable(type.getName() + "." + name, consequence);
		return null;
	}

	/**
	 * The method without parameters, made accessible, or {@code null} (and one warning) if this Spring AMQP version
	 * has none.
	 * @param consequence what the starter does without it, for the warning
	 */
	static @Nullable Method method(Class<?> type, String name, String consequence) {
		try {
			Method method = ReflectionUtils.findMethod(type, name);
			if (method != null) {
				ReflectionUtils.makeAccessible(method);
				return method;
			}
		}
		catch (RuntimeException ex) {
			// Reported below.
		}
		unreadable(type.getName() + "." + name + "()", consequence);
		return null;
	}

	static @Nullable Object read(@Nullable Field field, Object target) {
		return (field != null) ? ReflectionUtils.getField(field, target) : null;
	}

	static @Nullable Object invoke(@Nullable Method method, Object target) {
		return (method != null) ? ReflectionUtils.invokeMethod(method, target) : null;
	}

	private static void unreadable(String member, String consequence) {
		if (reported.add(member)) {
			logger.warn("job-metrics cannot read " + member + " of this Spring AMQP version (" + version() + "): "
					+ consequence + ". Please report it to job-metrics with the Spring AMQP version.");
		}
	}

	private static String version() {
		String version = org.springframework.amqp.core.Message.class.getPackage().getImplementationVersion();
		return (version != null) ? version : "unknown version";
	}

}
