/**
 * JMS listener containers: queue wait from {@code JMSTimestamp}, redeliveries from {@code JMSXDeliveryCount},
 * and the containers' capacity.
 */
@NullMarked
package io.github.jobmetrics.messaging.jms;

import org.jspecify.annotations.NullMarked;
