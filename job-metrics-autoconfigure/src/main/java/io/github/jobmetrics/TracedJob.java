package io.github.jobmetrics;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import io.github.jobmetrics.aop.TracedJobReflectiveProcessor;

import org.springframework.aot.hint.annotation.Reflective;
import org.springframework.core.annotation.AliasFor;

/**
 * Traces every run of the annotated method as a job: its worked seconds (including the part of runs still
 * in progress when metrics are read), executions by result, duration histogram, runs in flight, the age of
 * the oldest run in flight and the time of the last success.
 * <p>
 * On a class, every public method of the class is traced. A method-level annotation wins over the class-level
 * one. Works on any Spring bean whose methods can be proxied (public, not final), for example
 * {@code @Scheduled} methods and message listeners.
 *
 * <pre class="code">
 * &#64;Scheduled(fixedDelay = 60_000)
 * &#64;TracedJob(name = "invoice-export", queue = "invoices")
 * void exportInvoices() { ... }
 * </pre>
 *
 * @since 0.3.0
 * @see JobTracer
 */
@Target({ ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
@Reflective(TracedJobReflectiveProcessor.class)
public @interface TracedJob {

	/**
	 * Alias for {@link #name()}.
	 * @return the job name
	 */
	@AliasFor("name")
	String value() default "";

	/**
	 * The job name, the {@code job_name} label. Defaults to {@code SimpleClassName.methodName} of the bean's
	 * class. Keep it stable and low-cardinality: it names a kind of work, never one piece of it.
	 * @return the job name
	 */
	@AliasFor("value")
	String name() default "";

	/**
	 * The queue the job's work comes from, the {@code queue} label. Defaults to {@code none}.
	 * @return the queue name
	 */
	String queue() default "";

	/**
	 * Where the enqueue time of the work is, for work that carries it in its payload: a SpEL expression over the
	 * method's arguments ({@code #p0}, {@code #a0}, or the parameter's name when compiled with
	 * {@code -parameters}) that yields an {@code Instant}, a {@code Date}, an {@code OffsetDateTime} or epoch
	 * milliseconds, for example {@code "#p0.createdAt"}. Each call then observes
	 * {@code job_queue_wait_seconds}; {@code null} observes nothing. Listener methods need none: the
	 * message's own timestamp is taken from the listener container (see docs/message-listeners.md).
	 * An invalid expression fails start-up; one that fails on a call is logged and the job runs on.
	 * @return the expression, or empty for none
	 * @since 0.3.0
	 */
	String enqueuedAt() default "";

}
