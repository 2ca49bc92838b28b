package io.github.jobmetrics.sample;

import java.time.Duration;

import io.github.jobmetrics.TracedJob;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Async;
import org.springframework.stereotype.Component;

/**
 * A known number of {@code @Async} runs, all in flight for a known time, started once the app is ready on Spring
 * Boot's application task executor: the accuracy check of the async integration. With
 * {@code sample.async-load.workers=4} and {@code sample.async-load.duration=90s}, four runs of job
 * {@code async-load} keep four executor threads busy for 90 seconds, so the truth is known: while they are in
 * flight, {@code rate(job_worked_seconds_total{job_name="async-load"}[..])} is 4, although no run has ended. Off
 * unless the property is set.
 */
@Component
@ConditionalOnProperty("sample.async-load.workers")
class AsyncLoad {

	private static final Log logger = LogFactory.getLog(AsyncLoad.class);

	private final Worker worker;

	private final int workers;

	private final Duration duration;

	AsyncLoad(Worker worker, @Value("${sample.async-load.workers}") int workers,
			@Value("${sample.async-load.duration:90s}") Duration duration) {
		this.worker = worker;
		this.workers = workers;
		this.duration = duration;
	}

	@EventListener(ApplicationReadyEvent.class)
	void startAll() {
		for (int i = 0; i < this.workers; i++) {
			this.worker.work(this.duration);
		}
		logger.info("Started " + this.workers + " @Async runs of " + this.duration);
	}

	/**
	 * One run: keeps its executor thread busy for the given time.
	 */
	@Component
	@ConditionalOnProperty("sample.async-load.workers")
	static class Worker {

		@Async
		@TracedJob(name = "async-load")
		public void work(Duration duration) {
			try {
				Thread.sleep(duration.toMillis());
			}
			catch (InterruptedException ex) {
				// The app is stopping: the run ends, as a success.
				Thread.currentThread().interrupt();
			}
		}

	}

}
