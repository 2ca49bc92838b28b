/**
 * A worker service instrumented with job-metrics.
 */
@NullMarked
package io.github.jobmetrics.sample;

import org.jspecify.annotations.NullMarked;
