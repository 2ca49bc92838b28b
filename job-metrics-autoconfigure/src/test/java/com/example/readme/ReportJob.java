package com.example.readme;

import io.github.jobmetrics.TracedJob;
import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The README's locked job (section "Locked jobs (ShedLock)"); ShedLockSkippedRunsTests runs one annotated the same
 * way on two instances.
 */
@Component
class ReportJob {

	private final Invoices invoices;

	ReportJob(Invoices invoices) {
		this.invoices = invoices;
	}

	@Scheduled(cron = "0 */5 * * * *")
	@SchedulerLock(name = "report", lockAtMostFor = "PT10M")
	@TracedJob("report")
	public void report() {
		this.invoices.report();
	}

}
