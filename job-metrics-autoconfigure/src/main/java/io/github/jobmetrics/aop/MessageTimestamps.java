package io.github.jobmetrics.aop;

import java.lang.reflect.Method;

import org.jspecify.annotations.Nullable;

import org.springframework.messaging.Message;

/**
 * The {@code timestamp} header of a Spring Messaging {@link Message} argument: when the message was built,
 * which for a message that crossed a channel or a broker as a Spring message is when it was sent. Loaded only
 * when spring-messaging is present.
 */
final class MessageTimestamps {

	private MessageTimestamps() {
	}

	static int argumentIndex(Method method) {
		Class<?>[] types = method.getParameterTypes();
		for (int i = 0; i < types.length; i++) {
			if (Message.class.isAssignableFrom(types[i])) {
				return i;
			}
		}
		return -1;
	}

	static long timestamp(@Nullable Object argument) {
		Long timestamp = (argument instanceof Message<?> message) ? message.getHeaders().getTimestamp() : null;
		return (timestamp != null) ? timestamp : EnqueueTimeExpression.NONE;
	}

}
