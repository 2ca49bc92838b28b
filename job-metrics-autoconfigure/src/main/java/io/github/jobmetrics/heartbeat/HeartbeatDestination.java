package io.github.jobmetrics.heartbeat;

/**
 * Where heartbeats go: one queue (or topic) of one broker, sent to with the application's own template.
 *
 * @since 0.3.0
 */
public interface HeartbeatDestination {

	/**
	 * Returns the queue name, the {@code queue} label of the heartbeat meters: the name the listeners consume from.
	 * @return the queue name
	 */
	String queue();

	/**
	 * Sends one heartbeat (on Kafka, one to each partition of the topic).
	 * @param sentAtMillis the send time the heartbeat carries, in milliseconds since the epoch
	 * @return how many heartbeats were sent
	 * @throws Exception if the broker did not take it
	 */
	int send(long sentAtMillis) throws Exception;

}
