/**
 * JMH benchmarks of job-metrics: the cost of tracing one run against plain Micrometer instrumentation,
 * the time the starter's meters add to a Prometheus scrape, and start/stop cost with many runs in flight.
 * Run them all with {@code benchmarks/run.sh}.
 */
@NullMarked
package io.github.jobmetrics.benchmarks;

import org.jspecify.annotations.NullMarked;
