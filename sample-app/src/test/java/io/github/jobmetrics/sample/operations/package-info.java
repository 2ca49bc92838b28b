/**
 * The operations kit of job-metrics (the Prometheus rules and the Grafana dashboard shipped in its jar) proven
 * end to end: a real Prometheus evaluates the rules against the sample app run as a process of its own, a real
 * Alertmanager delivers the alerts, and every dashboard query and recording rule must return data.
 */
@NullMarked
package io.github.jobmetrics.sample.operations;

import org.jspecify.annotations.NullMarked;
