package io.github.jobmetrics.heartbeat;

import java.util.List;

/**
 * The heartbeat destinations of one broker, as a bean that {@link HeartbeatScheduler} collects.
 *
 * @param destinations the destinations
 * @since 0.3.0
 */
public record HeartbeatDestinations(List<HeartbeatDestination> destinations) {

	/**
	 * Creates the destinations.
	 * @param destinations the destinations
	 */
	public HeartbeatDestinations {
		destinations = List.copyOf(destinations);
	}

}
