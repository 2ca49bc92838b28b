// The README's quick-start example, word for word from the imports on (DocumentationTests checks it);
// DocumentationTests.quickStartScrapeShowsTheSeriesTheReadmeShows runs it.
package com.example.readme;

import io.github.jobmetrics.TracedJob;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

@Component
class InvoiceExport {

	private final Invoices invoices;

	InvoiceExport(Invoices invoices) {
		this.invoices = invoices;
	}

	@Scheduled(cron = "0 */5 * * * *")
	@TracedJob("invoice-export")
	public void exportInvoices() {
		this.invoices.export();
	}

}
