/**
 * One Observation per job run, so that micrometer-tracing makes one span per run, parented to the work that
 * started it.
 */
@NullMarked
package io.github.jobmetrics.observation;

import org.jspecify.annotations.NullMarked;
