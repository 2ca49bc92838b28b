package io.github.jobmetrics.sample;

import java.time.Duration;

import io.github.jobmetrics.TracedJob;

import org.springframework.stereotype.Component;

/**
 * The work of the experiment: a job that keeps its worker busy for the given time (standing in for a call
 * to a slow database or API).
 */
@Component
public class ExperimentJob {

	@TracedJob(name = "experiment", queue = "work")
	public void process(Duration duration) throws InterruptedException {
		Thread.sleep(duration.toMillis(), duration.toNanosPart() % 1_000_000);
	}

}
