package io.github.jobmetrics.sample;

import java.util.concurrent.ThreadLocalRandom;

import io.github.jobmetrics.TracedJob;

import org.springframework.scheduling.annotation.Async;
import org.springframework.stereotype.Component;

/**
 * An {@code @Async} job: {@link WorkFeeder} hands one receipt a second to it, and it renders on Spring Boot's
 * application task executor. The run is the body's, on the executor's thread, and its wait for a thread is
 * {@code job_queue_wait_seconds{job_name="receipt-rendering"}}.
 */
@Component
public class ReceiptRendering {

	/**
	 * Renders a receipt.
	 * @throws InterruptedException if the executor is stopped
	 */
	@Async
	@TracedJob(name = "receipt-rendering")
	public void render() throws InterruptedException {
		Thread.sleep(ThreadLocalRandom.current().nextLong(100, 400));
	}

}
