package com.example.readme;

import io.github.jobmetrics.JobRun;
import io.github.jobmetrics.JobTracer;

/**
 * The README's example of {@link JobTracer} in code that cannot use an annotation, word for word between the tags
 * ({@link DocumentationTests} checks it); {@link ReadmeExamplesTests} runs it.
 */
class PaymentWorker {

	private final JobTracer jobTracer;

	private final Invoices invoices;

	int cleanUps;

	PaymentWorker(JobTracer jobTracer, Invoices invoices) {
		this.jobTracer = jobTracer;
		this.invoices = invoices;
	}

	void handle(Payment message) {
		// tag::job-tracer[]
		try (JobRun run = jobTracer.start("payment-sync", "payments")) {
			try {
				process(message);
			}
			catch (RuntimeException ex) {
				run.failed(ex);          // result="failure", or "retry" for a retry exception
				throw ex;
			}
		}

		jobTracer.trace("cleanup", null, () -> cleanUp());   // the same, for a Runnable or Callable
		// end::job-tracer[]
	}

	private void process(Payment message) {
		this.invoices.settle(message);
	}

	private void cleanUp() {
		this.cleanUps++;
	}

}
