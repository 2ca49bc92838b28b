package com.example.readme;

import java.time.Instant;

import io.github.jobmetrics.TracedJob;

import org.springframework.jms.annotation.JmsListener;

/**
 * The README's message listener examples, word for word ({@link DocumentationTests} checks it);
 * {@link ReadmeListenerTests} runs them on an embedded Artemis broker.
 */
class PaymentListener {

	private final Invoices invoices;

	PaymentListener(Invoices invoices) {
		this.invoices = invoices;
	}

	@JmsListener(destination = "payments", concurrency = "5-10")
	@TracedJob(name = "payments", queue = "payments")
	public void onPayment(String paymentId) {
		invoices.settle(new Payment(paymentId, 1));
	}

	@TracedJob(name = "imports", queue = "uploads", enqueuedAt = "#p0.uploadedAt")
	public void importFile(Upload upload) {
		invoices.settle(new Payment(upload.name(), 1));
	}

	/**
	 * A message that carries its own enqueue time.
	 *
	 * @param name the file's name
	 * @param uploadedAt when it was uploaded
	 */
	record Upload(String name, Instant uploadedAt) {
	}

}
