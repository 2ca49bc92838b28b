/**
 * Spring Kafka listener containers: each record (or batch) they deliver is described to the traced run that
 * handles it, with its enqueue time and whether the error handler will deliver it again, and each container
 * publishes its capacity.
 */
@NullMarked
package io.github.jobmetrics.messaging.kafka;

import org.jspecify.annotations.NullMarked;
