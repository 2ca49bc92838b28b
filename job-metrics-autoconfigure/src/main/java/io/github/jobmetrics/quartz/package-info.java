/**
 * Quartz jobs: every execution a run of its job, zero-code, with schedule lag, misfires and the capacity of the
 * scheduler's thread pool.
 */
@NullMarked
package io.github.jobmetrics.quartz;

import org.jspecify.annotations.NullMarked;
