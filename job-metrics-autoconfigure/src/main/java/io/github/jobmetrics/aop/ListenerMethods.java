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

	private ListenerMethods() {
	}

	/**
	 * Returns whether the method is a message listener method of the class.
	 */
	static boolean isListener(Method method, Class<?> targetClass) {
		return listener(method, targetClass) != null;
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
