package io.github.jobmetrics.sample.faults;

import java.time.Duration;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jms.config.JmsListenerEndpointRegistry;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;

/**
 * Stops the consumers of the {@code nightly-imports} queue a while after start-up, as when its listener container
 * lost its broker connection for good: heartbeats are still sent, none is consumed, and the queue's lag page fires.
 * Switched on by {@code sample.faults.stop-nightly-consumers-after=<duration>}.
 */
@Component
@ConditionalOnProperty("sample.faults.stop-nightly-consumers-after")
public class StoppedConsumers {

	private final JmsListenerEndpointRegistry listeners;

	private final TaskScheduler scheduler;

	private final Duration after;

	StoppedConsumers(JmsListenerEndpointRegistry listeners, TaskScheduler scheduler,
			@Value("${sample.faults.stop-nightly-consumers-after}") Duration after) {
		this.listeners = listeners;
		this.scheduler = scheduler;
		this.after = after;
	}

	@EventListener(ApplicationReadyEvent.class)
	void scheduleStop() {
		this.scheduler.schedule(() -> this.listeners.getListenerContainer("nightly-import-listener").stop(),
				java.time.Instant.now().plus(this.after));
	}

}
