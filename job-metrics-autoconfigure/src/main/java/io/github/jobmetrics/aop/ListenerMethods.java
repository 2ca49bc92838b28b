package io.github.jobmetrics.aop;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.annotation.MergedAnnotations.SearchStrategy;
import org.springframework.core.annotation.RepeatableContainers;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringValueResolver;

/**
 * Message listener methods ({@code @JmsListener}, {@code @KafkaListener}, {@code @RabbitListener}) that
 * {@code job-metrics.instrument.listeners} traces as if annotated with {@code @TracedJob}. The annotations are
 * looked up by name, so that none of the messaging libraries needs to be on the class path.
 */
final class ListenerMethods {

	// The listener annotation, and the attribute that names what it consumes from.
	private static final List<String[]> LISTENERS = List.of(
			new String[] { "org.springframework.jms.annotation.JmsListener", "destination" },
			new String[] { "org.springframework.kafka.annotation.KafkaListener", "topics" },
			new String[] { "org.springframework.amqp.rabbit.annotation.RabbitListener", "queues" });

	// Methods of a class-level listener (@RabbitListener or @KafkaListener on the class) that receive its messages.
	private static final List<String> HANDLERS = List.of("org.springframework.amqp.rabbit.annotation.RabbitHandler",
			"org.springframework.kafka.annotation.KafkaHandler");

	// The listener interfaces that a container calls directly: a container bean's own listener.
	private static final List<String> LISTENER_INTERFACES = List.of("jakarta.jms.MessageListener",
			"org.springframework.jms.listener.SessionAwareMessageListener",
			"org.springframework.amqp.core.MessageListener",
			"org.springframework.amqp.rabbit.listener.api.ChannelAwareMessageListener",
			"org.springframework.kafka.listener.GenericMessageListener");

	private static final List<String> LISTENER_METHODS = List.of("onMessage", "onMessageBatch");

	private ListenerMethods() {
	}

	/**
	 * Returns whether the method is a message listener method of the class.
	 */
	static boolean isListener(Method method, Class<?> targetClass) {
		return listener(method, targetClass) != null;
	}

	/**
	 * Returns whether a listener container calls the method itself with each delivery, so that its run is the one
	 * that handles the delivery: a listener method ({@code @JmsListener}, {@code @KafkaListener},
	 * {@code @RabbitListener}), a handler method of a class-level listener ({@code @RabbitHandler},
	 * {@code @KafkaHandler}), or the {@code onMessage} of a container's own {@code MessageListener}. A service
	 * that a listener calls is none of these: the listener may catch what the service throws.
	 */
	static boolean receivesDeliveries(Method method, Class<?> targetClass) {
		if (listener(method, targetClass) != null) {
			return true;
		}
		Class<?> userClass = ClassUtils.getUserClass(targetClass);
		Method specific = AopUtils.getMostSpecificMethod(method, userClass);
		MergedAnnotations annotations = MergedAnnotations.from(specific, SearchStrategy.TYPE_HIERARCHY);
		for (String handler : HANDLERS) {
			if (annotations.isPresent(handler)) {
				return true;
			}
		}
		return LISTENER_METHODS.contains(method.getName()) && implementsListener(userClass);
	}

	// By name, walking superclasses and superinterfaces, so that none of the messaging libraries must be present.
	private static boolean implementsListener(Class<?> type) {
		for (Class<?> implemented : type.getInterfaces()) {
			if (LISTENER_INTERFACES.contains(implemented.getName()) || implementsListener(implemented)) {
				return true;
			}
		}
		Class<?> superclass = type.getSuperclass();
		return superclass != null && implementsListener(superclass);
	}

	/**
	 * Returns the queue of a listener method: the one destination its annotation names, with placeholders
	 * resolved; {@code ""} (no queue) if it names several, a pattern, or one that is only known at run time.
	 */
	static @Nullable String queue(Method method, Class<?> targetClass, @Nullable StringValueResolver values) {
		MergedAnnotation<Annotation> listener = listener(method, targetClass);
		if (listener == null) {
			return null;
		}
		String attribute = attributeOf(listener);
		Object destinations = listener.getValue(attribute).orElse("");
		String destination = (destinations instanceof String[] many) ? ((many.length == 1) ? many[0] : "")
				: destinations.toString();
		if (destination.isBlank()) {
			return "";
		}
		String resolved = (values != null) ? values.resolveStringValue(destination) : destination;
		return (resolved == null || resolved.contains("${") || resolved.contains("#{")) ? "" : resolved.strip();
	}

	private static @Nullable MergedAnnotation<Annotation> listener(Method method, Class<?> targetClass) {
		Method specific = AopUtils.getMostSpecificMethod(method, ClassUtils.getUserClass(targetClass));
		MergedAnnotations annotations = MergedAnnotations.from(specific, SearchStrategy.TYPE_HIERARCHY,
				RepeatableContainers.standardRepeatables());
		for (String[] listener : LISTENERS) {
			List<MergedAnnotation<Annotation>> found = annotations.stream(listener[0]).toList();
			if (found.size() == 1) {
				return found.get(0);
			}
			if (found.size() > 1) {
				// Several listeners on one method consume from several queues: one job, no queue.
				return found.get(0).filterAttributes((name) -> false);
			}
		}
		return null;
	}

	private static String attributeOf(MergedAnnotation<Annotation> listener) {
		for (String[] candidate : LISTENERS) {
			if (candidate[0].equals(listener.getType().getName())) {
				return candidate[1];
			}
		}
		return "";
	}

}
