/**
 * Spring {@code @Scheduled} jobs: zero-code tracing, the lag of each run behind its schedule, and the
 * capacity of the schedulers that run them.
 */
@NullMarked
package io.github.jobmetrics.scheduling;

import org.jspecify.annotations.NullMarked;
