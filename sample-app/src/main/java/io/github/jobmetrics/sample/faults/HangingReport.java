package io.github.jobmetrics.sample.faults;

import java.util.concurrent.CountDownLatch;

import io.github.jobmetrics.TracedJob;

/**
 * A report whose run never ends, as when a remote call has no timeout: job {@code stuck-report}. Its run waits
 * until the application shuts down. Switched on by {@code sample.faults.hanging=true}.
 */
public class HangingReport {

	private final CountDownLatch shutdown = new CountDownLatch(1);

	@TracedJob(name = "stuck-report")
	public void build() throws InterruptedException {
		this.shutdown.await();
	}

	/**
	 * Ends the run: called when the application shuts down.
	 */
	public void release() {
		this.shutdown.countDown();
	}

}
