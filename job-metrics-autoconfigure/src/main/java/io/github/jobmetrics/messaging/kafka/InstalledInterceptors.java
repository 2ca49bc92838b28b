package io.github.jobmetrics.messaging.kafka;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.config.AbstractKafkaListenerContainerFactory;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;
import org.springframework.kafka.listener.BatchInterceptor;
import org.springframework.kafka.listener.RecordInterceptor;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Reads the interceptors a listener container factory or container already has, so that ours can call them.
 * Spring Kafka 4 (Spring Boot 4.x) has public getters for them; Spring Kafka 3.3 (Spring Boot 3.5) keeps them in
 * private fields of the factory and behind protected getters of the container, which are read reflectively there
 * (verified on 3.3.16); {@link KafkaListenerRuntimeHints} registers them for Spring AOT. Where a member is missing,
 * the caller is told, so that it leaves the bean alone rather than drop the application's own interceptor.
 * <p>
 * Public for {@code io.github.jobmetrics.heartbeat}, which wraps the same interceptors; internal to job-metrics,
 * not API.
 */
public final class InstalledInterceptors {

	private static final Log logger = LogFactory.getLog(InstalledInterceptors.class);

	static final boolean PUBLIC_GETTERS = ClassUtils.getMethodIfAvailable(AbstractKafkaListenerContainerFactory.class,
			KafkaListenerRuntimeHints.GET_RECORD_INTERCEPTOR) != null;

	private static final AtomicBoolean warned = new AtomicBoolean();

	private final @Nullable Object record;

	private final @Nullable Object batch;

	private InstalledInterceptors(@Nullable Object record, @Nullable Object batch) {
		this.record = record;
		this.batch = batch;
	}

	/**
	 * The record interceptor installed.
	 * @return the interceptor, or {@code null} if none
	 */
	@SuppressWarnings("unchecked")
	public @Nullable RecordInterceptor<Object, Object> record() {
		return (RecordInterceptor<Object, Object>) this.record;
	}

	/**
	 * The batch interceptor installed.
	 * @return the interceptor, or {@code null} if none
	 */
	@SuppressWarnings("unchecked")
	public @Nullable BatchInterceptor<Object, Object> batch() {
		return (BatchInterceptor<Object, Object>) this.batch;
	}

	/**
	 * Returns the interceptors of a factory, or {@code null} if this Spring Kafka hides them where we cannot read.
	 * @param factory the factory
	 * @return its interceptors, or {@code null}
	 */
	public static @Nullable InstalledInterceptors of(AbstractKafkaListenerContainerFactory<?, ?, ?> factory) {
		if (PUBLIC_GETTERS) {
			return new InstalledInterceptors(factory.getRecordInterceptor(), factory.getBatchInterceptor());
		}
		return fromFields(AbstractKafkaListenerContainerFactory.class, factory);
	}

	// The factory class as a parameter: a test hands in a stand-in of a version without the fields.
	static @Nullable InstalledInterceptors fromFields(Class<?> type, Object factory) {
		Field record = ReflectionUtils.findField(type, KafkaListenerRuntimeHints.RECORD_INTERCEPTOR);
		Field batch = ReflectionUtils.findField(type, KafkaListenerRuntimeHints.BATCH_INTERCEPTOR);
		if (record == null || batch == null) {
			return missing("the fields recordInterceptor and batchInterceptor of " + type.getSimpleName());
		}
		ReflectionUtils.makeAccessible(record);
		ReflectionUtils.makeAccessible(batch);
		return new InstalledInterceptors(ReflectionUtils.getField(record, factory), ReflectionUtils.getField(batch, factory));
	}

	/**
	 * Returns the interceptors of a container, or {@code null} if this Spring Kafka hides them where we cannot read.
	 * @param container the container
	 * @return its interceptors, or {@code null}
	 */
	public static @Nullable InstalledInterceptors of(AbstractMessageListenerContainer<?, ?> container) {
		if (PUBLIC_GETTERS) {
			return new InstalledInterceptors(container.getRecordInterceptor(), container.getBatchInterceptor());
		}
		Method record = ReflectionUtils.findMethod(AbstractMessageListenerContainer.class,
				KafkaListenerRuntimeHints.GET_RECORD_INTERCEPTOR);
		Method batch = ReflectionUtils.findMethod(AbstractMessageListenerContainer.class,
				KafkaListenerRuntimeHints.GET_BATCH_INTERCEPTOR);
		if (record == null || batch == null) {
			return missing("the methods getRecordInterceptor and getBatchInterceptor of AbstractMessageListenerContainer");
		}
		ReflectionUtils.makeAccessible(record);
		ReflectionUtils.makeAccessible(batch);
		return new InstalledInterceptors(ReflectionUtils.invokeMethod(record, container),
				ReflectionUtils.invokeMethod(batch, container));
	}

	private static @Nullable InstalledInterceptors missing(String members) {
		if (warned.compareAndSet(false, true)) {
			logger.warn("job-metrics: this Spring Kafka has none of " + members + ", so Kafka listener containers get "
					+ "no queue wait or redelivery detection from job-metrics (their runs are still traced). Upgrade "
					+ "Spring Kafka, or report the version at job-metrics' issue tracker");
		}
		return null;
	}

}
