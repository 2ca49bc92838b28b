/**
 * The {@link io.github.jobmetrics.JobTracer} that records job runs as Micrometer meters.
 */
@NullMarked
package io.github.jobmetrics.micrometer;

import org.jspecify.annotations.NullMarked;
