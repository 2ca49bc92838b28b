package io.github.jobmetrics.sample;

import java.time.Duration;
import java.util.List;

import io.github.jobmetrics.TracedJob;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.core.task.TaskExecutor;
import org.springframework.stereotype.Component;

/**
 * A fixed set of long jobs, started once the app is ready, on Spring Boot's application task executor: the
 * graceful-shutdown experiment. With {@code sample.long-jobs.durations=8s,10s,12s} three runs of job
 * {@code long-job} start together and each works exactly its duration, so the truth is known: their worked
 * seconds add up to the durations, and each ends as a success. Off unless the property is set.
 */
@Component
@ConditionalOnProperty("sample.long-jobs.durations")
class LongJobs {

	private static final Log logger = LogFactory.getLog(LongJobs.class);

	private final LongJob job;

	private final TaskExecutor executor;

	private final List<Duration> durations;

	LongJobs(LongJob job, @Qualifier("applicationTaskExecutor") TaskExecutor executor, Environment environment) {
		this.job = job;
		this.executor = executor;
		this.durations = Binder.get(environment).bindOrCreate("sample.long-jobs.durations",
				Bindable.listOf(Duration.class));
	}

	@EventListener(ApplicationReadyEvent.class)
	void startAll() {
		for (Duration duration : this.durations) {
			this.executor.execute(() -> {
				try {
					this.job.run(duration);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			});
		}
		logger.info("Started " + this.durations.size() + " long jobs: " + this.durations);
	}

	/**
	 * One long job: keeps its worker busy for the given time.
	 */
	@Component
	@ConditionalOnProperty("sample.long-jobs.durations")
	static class LongJob {

		@TracedJob(name = "long-job", queue = "none")
		public void run(Duration duration) throws InterruptedException {
			Thread.sleep(duration.toMillis());
		}

	}

}
