/**
 * Heartbeats (tracer messages): a message sent on a schedule through the same destination as the application's
 * real messages, recognised and acknowledged by the listener containers before the application's listener is
 * called, so that the send time of the newest one consumed measures the consumers' lag even on an idle queue.
 */
@NullMarked
package io.github.jobmetrics.heartbeat;

import org.jspecify.annotations.NullMarked;
