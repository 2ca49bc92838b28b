package com.example.readme;

import io.github.jobmetrics.TracedJob;

import org.springframework.jms.annotation.JmsListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The quick-start example of the README, word for word ({@link DocumentationTests} checks it); {@link ReadmeExamplesTests}
 * runs it.
 */
// tag::quick-start[]
@Component
class InvoiceJobs {

	private final Invoices invoices;

	InvoiceJobs(Invoices invoices) {
		this.invoices = invoices;
	}

	@Scheduled(cron = "0 */5 * * * *")
	@TracedJob("invoice-export")                      // job_name="invoice-export", queue="none"
	public void exportInvoices() {
		this.invoices.export();
	}

	@JmsListener(destination = "payments")
	@TracedJob(name = "payment-sync", queue = "payments")
	public void onPayment(Payment payment) {
		this.invoices.settle(payment);
	}

}
// end::quick-start[]
