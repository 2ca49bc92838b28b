package io.github.jobmetrics.sample;

import java.util.concurrent.ThreadLocalRandom;

import io.github.jobmetrics.TracedJob;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * A scheduled job, as most services have one: exports invoices every few seconds. One run in ten hits a
 * transient error (counted as a retry), one in fifty a real one (counted as a failure).
 */
@Component
public class InvoiceExport {

	@Scheduled(fixedDelayString = "${sample.export-interval:5s}")
	@TracedJob(name = "invoice-export")
	public void export() throws InterruptedException {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		Thread.sleep(random.nextLong(200, 1500));
		int roll = random.nextInt(50);
		if (roll == 0) {
			throw new IllegalStateException("Invoice store rejected the export");
		}
		if (roll < 5) {
			throw new TransientExportException("Invoice store busy, will try again");
		}
	}

}
