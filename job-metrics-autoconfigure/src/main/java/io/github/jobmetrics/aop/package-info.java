/**
 * The Spring AOP advisor that traces {@link io.github.jobmetrics.TracedJob @TracedJob} methods.
 */
@NullMarked
package io.github.jobmetrics.aop;

import org.jspecify.annotations.NullMarked;
