/**
 * The experiment of the time-of-measurement bias article, run for real: the sample app as a process of its
 * own, scraped by a Prometheus in a container, and queried over Prometheus's HTTP API.
 */
@NullMarked
package io.github.jobmetrics.sample.experiment;

import org.jspecify.annotations.NullMarked;
