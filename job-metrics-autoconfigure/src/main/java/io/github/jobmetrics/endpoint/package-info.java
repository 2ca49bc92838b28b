/**
 * The {@code /actuator/jobs} endpoint: what the workers are doing right now.
 */
@NullMarked
package io.github.jobmetrics.endpoint;

import org.jspecify.annotations.NullMarked;
