package io.github.jobmetrics.messaging.jms;

import java.lang.reflect.Method;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.jms.listener.AbstractPollingMessageListenerContainer;
import org.springframework.util.ReflectionUtils;

/**
 * Whether a polling JMS listener container has an external transaction manager, which Spring JMS exposes only
 * through the {@code protected final getTransactionManager()} of {@link AbstractPollingMessageListenerContainer}
 * (verified on Spring Framework 6.2 and 7.0, the JMS of Spring Boot 3.5, 4.0 and 4.1). Looked up once; where a
 * version has no such method, one warning says so and every container is taken to have none.
 */
final class TransactionManagerReader {

	private static final Log logger = LogFactory.getLog(TransactionManagerReader.class);

	static final String GETTER = "getTransactionManager";

	// One warning per class, however many readers are made (each test context makes one).
	private static final Set<String> reported = ConcurrentHashMap.newKeySet();

	static final TransactionManagerReader POLLING_CONTAINERS = new TransactionManagerReader(
			AbstractPollingMessageListenerContainer.class);

	private final @Nullable Method getter;

	TransactionManagerReader(Class<?> type) {
		this.getter = lookUp(type);
	}

	private static @Nullable Method lookUp(Class<?> type) {
		try {
			Method method = ReflectionUtils.findMethod(type, GETTER);
			if (method != null) {
				ReflectionUtils.makeAccessible(method);
				return method;
			}
		}
		catch (RuntimeException ex) {
			// Inaccessible (a module system that does not open it): reported below like an absent one.
		}
		if (reported.add(type.getName())) {
			logger.warn("job-metrics cannot read " + type.getName() + "." + GETTER + "() of this Spring JMS version ("
					+ version() + "): the failures of a listener container with an external transaction manager "
					+ "(and no transacted session or client acknowledgement) are counted as failure rather than "
					+ "retry. Please report it to job-metrics with the Spring JMS version.");
		}
		return null;
	}

	/**
	 * Whether the container has a transaction manager, {@code false} where it cannot be read.
	 */
	boolean hasTransactionManager(Object container) {
		return this.getter != null && ReflectionUtils.invokeMethod(this.getter, container) != null;
	}

	private static String version() {
		String version = AbstractPollingMessageListenerContainer.class.getPackage().getImplementationVersion();
		return (version != null) ? version : "unknown version";
	}

}
