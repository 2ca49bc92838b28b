/**
 * A graceful stop that exports its last work: the server that serves {@code /actuator/prometheus} stays up until
 * the runs in flight have ended and every scraper has read their ends, or a push registry publishes them on close.
 * What differs between Spring Boot lines (the package of the web server context) is handled here.
 */
@NullMarked
package io.github.jobmetrics.shutdown;

import org.jspecify.annotations.NullMarked;
