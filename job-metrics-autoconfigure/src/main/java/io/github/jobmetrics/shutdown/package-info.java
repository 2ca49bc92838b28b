/**
 * A graceful stop that exports its last work: the web server, and with it {@code /actuator/prometheus}, stays
 * up until the runs in flight have ended and every scraper has read their results.
 */
@NullMarked
package io.github.jobmetrics.shutdown;

import org.jspecify.annotations.NullMarked;
