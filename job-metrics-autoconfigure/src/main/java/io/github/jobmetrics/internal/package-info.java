/**
 * Internals shared by the packages of job-metrics; not API.
 */
@NullMarked
package io.github.jobmetrics.internal;

import org.jspecify.annotations.NullMarked;
