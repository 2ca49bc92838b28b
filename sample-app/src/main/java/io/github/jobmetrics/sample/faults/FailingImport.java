package io.github.jobmetrics.sample.faults;

import io.github.jobmetrics.TracedJob;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * A scheduled import whose every run fails, as when a supplier's file went missing: job {@code faulty-import}.
 * Switched on by {@code sample.faults.failing=true}.
 */
@Component
@ConditionalOnBooleanProperty("sample.faults.failing")
public class FailingImport {

	@Scheduled(fixedDelayString = "${sample.faults.failing-interval:1s}")
	@TracedJob(name = "faulty-import")
	public void importPrices() {
		throw new IllegalStateException("Price file of the supplier is missing");
	}

}
