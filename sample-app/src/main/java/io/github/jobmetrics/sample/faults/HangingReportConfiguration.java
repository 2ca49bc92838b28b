package io.github.jobmetrics.sample.faults;

import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Starts one run of {@link HangingReport} on a thread of its own once the application is ready, so that it blocks
 * no scheduler or worker thread, and ends it at shutdown.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty("sample.faults.hanging")
class HangingReportConfiguration {

	@Bean(destroyMethod = "release")
	HangingReport hangingReport() {
		return new HangingReport();
	}

	@Bean
	ApplicationRunner hangingReportStarter(HangingReport hangingReport) {
		return (arguments) -> {
			Thread thread = new Thread(() -> {
				try {
					hangingReport.build();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}, "report-worker");
			thread.setDaemon(true);
			thread.start();
		};
	}

}
