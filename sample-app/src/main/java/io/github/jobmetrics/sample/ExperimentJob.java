package io.github.jobmetrics.sample;

import java.time.Duration;

import io.github.jobmetrics.TracedJob;

import org.springframework.jms.annotation.JmsListener;
import org.springframework.stereotype.Component;

/**
 * The work of the experiment: each message on the {@code work} queue asks for a job that keeps its worker busy
 * for the given time (standing in for a call to a slow database or API). {@code sample.workers} consumers take
 * messages at once, and {@link WorkFeeder} keeps the queue from running dry, so every worker is always busy.
 */
@Component
public class ExperimentJob {

	private final WorkFeeder feeder;

	ExperimentJob(WorkFeeder feeder) {
		this.feeder = feeder;
	}

	/**
	 * Does the work a message asks for.
	 * @param durationNanos how long the job takes, in nanoseconds
	 * @throws InterruptedException if the worker is stopped
	 */
	@JmsListener(id = "work-listener", destination = WorkFeeder.QUEUE,
			concurrency = "${sample.workers}-${sample.workers}")
	@TracedJob(name = "experiment", queue = WorkFeeder.QUEUE)
	public void process(String durationNanos) throws InterruptedException {
		this.feeder.jobStarted();
		Duration duration = Duration.ofNanos(Long.parseLong(durationNanos));
		Thread.sleep(duration.toMillis(), duration.toNanosPart() % 1_000_000);
	}

}
