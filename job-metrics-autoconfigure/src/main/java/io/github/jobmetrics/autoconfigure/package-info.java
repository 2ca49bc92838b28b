/**
 * Spring Boot auto-configuration of job-metrics.
 */
@NullMarked
package io.github.jobmetrics.autoconfigure;

import org.jspecify.annotations.NullMarked;
