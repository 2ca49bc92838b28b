/**
 * Spring's {@code @Async} methods and {@code ThreadPoolTaskExecutor}s: each call of a traced {@code @Async} method is
 * a run on the executor's thread that lasts its body, observes how long it waited in the executor's queue (as does the
 * first traced run of a task handed to a {@code ThreadPoolTaskExecutor} bean directly), and, when
 * {@code job-metrics.instrument.async} is on, every {@code @Async} method is traced; plus the capacity of each
 * executor.
 */
@NullMarked
package io.github.jobmetrics.async;

import org.jspecify.annotations.NullMarked;
