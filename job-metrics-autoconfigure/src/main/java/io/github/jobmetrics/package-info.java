/**
 * The job-metrics API: {@link io.github.jobmetrics.TracedJob @TracedJob} for annotated jobs and
 * {@link io.github.jobmetrics.JobTracer} for code that traces runs itself.
 */
@NullMarked
package io.github.jobmetrics;

import org.jspecify.annotations.NullMarked;
