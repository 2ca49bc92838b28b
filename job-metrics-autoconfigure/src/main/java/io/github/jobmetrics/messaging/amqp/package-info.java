/**
 * RabbitMQ listener containers of Spring AMQP: the queue wait of each delivered message, whether a failed
 * delivery will come back, and the capacity of each container.
 */
@NullMarked
package io.github.jobmetrics.messaging.amqp;

import org.jspecify.annotations.NullMarked;
