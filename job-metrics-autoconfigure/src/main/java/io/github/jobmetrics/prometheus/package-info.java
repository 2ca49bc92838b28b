/**
 * Prometheus native histograms for the job histograms, beside their classic buckets.
 */
@NullMarked
package io.github.jobmetrics.prometheus;

import org.jspecify.annotations.NullMarked;
