package io.github.jobmetrics.aop;

import java.lang.reflect.Method;
import java.time.Instant;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.Date;

import org.jspecify.annotations.Nullable;

import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.expression.Expression;
import org.springframework.expression.ParseException;
import org.springframework.expression.spel.standard.SpelExpressionParser;

/**
 * The {@code enqueuedAt} expression of a {@link io.github.jobmetrics.TracedJob @TracedJob} method, parsed once:
 * evaluated over the method's arguments on each call, it yields when the work was enqueued.
 */
final class EnqueueTimeExpression {

	static final long NONE = Long.MIN_VALUE;

	private static final SpelExpressionParser parser = new SpelExpressionParser();

	private static final ParameterNameDiscoverer parameterNames = new DefaultParameterNameDiscoverer();

	private final Expression expression;

	private final Method method;

	private EnqueueTimeExpression(Expression expression, Method method) {
		this.expression = expression;
		this.method = method;
	}

	/**
	 * Parses the expression of the given method.
	 * @throws IllegalArgumentException if it is not valid SpEL
	 */
	static @Nullable EnqueueTimeExpression parse(String text, Method method) {
		if (text.isBlank()) {
			return null;
		}
		try {
			return new EnqueueTimeExpression(parser.parseExpression(text), method);
		}
		catch (ParseException ex) {
			throw new IllegalArgumentException("enqueuedAt \"" + text + "\" is not a valid SpEL expression: "
					+ ex.getMessage(), ex);
		}
	}

	/**
	 * Evaluates the expression over the given arguments: an {@link Instant}, a {@link Date}, any temporal
	 * with an instant (such as {@code OffsetDateTime}), or a number of milliseconds since the epoch.
	 * @return the epoch milliseconds, or {@link #NONE} if the expression yields {@code null}
	 * @throws IllegalStateException if it yields something else
	 */
	long epochMillis(@Nullable Object[] arguments) {
		Object value = this.expression
			.getValue(new MethodBasedEvaluationContext(arguments, this.method, arguments, parameterNames));
		if (value == null) {
			return NONE;
		}
		if (value instanceof Number number) {
			return number.longValue();
		}
		if (value instanceof Date date) {
			return date.getTime();
		}
		if (value instanceof TemporalAccessor temporal && temporal.isSupported(ChronoField.INSTANT_SECONDS)) {
			return Instant.from(temporal).toEpochMilli();
		}
		throw new IllegalStateException("@TracedJob(enqueuedAt = \"" + this.expression.getExpressionString()
				+ "\") on " + this.method + " yielded a " + value.getClass().getName()
				+ "; it must yield an Instant, a Date, an OffsetDateTime or epoch milliseconds");
	}

}
