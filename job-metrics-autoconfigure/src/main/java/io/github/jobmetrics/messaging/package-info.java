/**
 * Message listeners: what each client library tells about the message a listener is handling (when it was
 * enqueued, whether the broker will deliver it again), and how many listeners a container runs at once. One
 * package per client library.
 */
@NullMarked
package io.github.jobmetrics.messaging;

import org.jspecify.annotations.NullMarked;
