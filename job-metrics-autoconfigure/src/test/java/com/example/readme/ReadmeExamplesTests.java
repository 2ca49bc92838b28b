package com.example.readme;

import io.github.jobmetrics.BootMetricsAutoConfigurations;
import io.github.jobmetrics.JobTracer;
import io.github.jobmetrics.autoconfigure.JobMetricsAutoConfiguration;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Runs the Java examples of the README (kept word for word in this package, as {@link DocumentationTests} checks) and
 * asserts that they record what the README says they record.
 */
class ReadmeExamplesTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(BootMetricsAutoConfigurations.with(JobMetricsAutoConfiguration.class))
		.withBean(Invoices.class)
		.withBean(InvoiceJobs.class);

	@Test
	void quickStartJobsAreRegisteredAtStartupAndCountTheirRunsByResult() {
		this.contextRunner.run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("job.worked").tag("job.name", "invoice-export").tag("queue", "none")
				.functionCounter().count()).isZero();
			assertThat(registry.get("job.worked").tag("job.name", "payment-sync").tag("queue", "payments")
				.functionCounter().count()).isZero();
			InvoiceJobs jobs = context.getBean(InvoiceJobs.class);
			jobs.exportInvoices();
			jobs.onPayment(new Payment("p-1", 10));
			assertThatIllegalArgumentException().isThrownBy(() -> jobs.onPayment(new Payment("p-2", -1)));
			assertThat(context.getBean(Invoices.class).done).containsExactly("export", "settle p-1");
			assertThat(executions(registry, "invoice-export", "success")).isOne();
			assertThat(executions(registry, "payment-sync", "success")).isOne();
			assertThat(executions(registry, "payment-sync", "failure")).isOne();
		});
	}

	@Test
	void jobTracerExampleRecordsAFailureAndRethrowsItThenTracesTheCleanUp() {
		this.contextRunner.run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			PaymentWorker worker = new PaymentWorker(context.getBean(JobTracer.class), context.getBean(Invoices.class));
			worker.handle(new Payment("p-3", 5));
			assertThatIllegalArgumentException().isThrownBy(() -> worker.handle(new Payment("p-4", -5)));
			assertThat(worker.cleanUps).isOne();
			assertThat(executions(registry, "payment-sync", "success")).isOne();
			assertThat(executions(registry, "payment-sync", "failure")).isOne();
			assertThat(executions(registry, "cleanup", "success")).isOne();
		});
	}

	// Sums over any further tags, so that the check holds whatever else the contract adds to this counter.
	private static double executions(MeterRegistry registry, String job, String result) {
		return registry.find("job.executions").tag("job.name", job).tag("result", result).functionCounters().stream()
			.mapToDouble(FunctionCounter::count)
			.sum();
	}

}
