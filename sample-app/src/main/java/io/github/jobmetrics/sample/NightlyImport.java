package io.github.jobmetrics.sample;

import io.github.jobmetrics.TracedJob;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jms.annotation.JmsListener;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.stereotype.Component;

/**
 * A queue that is idle most of the time, as a nightly import's: one file arrives when the application starts, then
 * nothing. Its lag from runs grows from then on; its heartbeats ({@code job-metrics.heartbeat.jms.destinations})
 * keep its heartbeat lag near 0 while its consumer runs, so only a stopped consumer pages.
 */
@Component
public class NightlyImport {

	static final String QUEUE = "nightly-imports";

	private final JmsTemplate jms;

	NightlyImport(JmsTemplate jms) {
		this.jms = jms;
	}

	@EventListener(ApplicationReadyEvent.class)
	void fileArrived() {
		this.jms.convertAndSend(QUEUE, "prices.csv");
	}

	/**
	 * Imports a file.
	 * @param file the file name
	 */
	@JmsListener(id = "nightly-import-listener", destination = QUEUE)
	@TracedJob(name = "nightly-import", queue = QUEUE)
	public void importFile(String file) {
	}

}
