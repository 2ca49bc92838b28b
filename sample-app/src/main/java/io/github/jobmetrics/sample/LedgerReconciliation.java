package io.github.jobmetrics.sample;

import java.util.concurrent.ThreadLocalRandom;

import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobExecutionContext;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.quartz.QuartzJobBean;

/**
 * A Quartz job, as enterprise services have them: reconciles the ledger every few seconds on Quartz's RAM store.
 * It carries no annotation: every execution is a run of the job {@code ledger-reconciliation}, named by its
 * {@code JobKey}, with its schedule lag and misfires.
 */
@Configuration(proxyBeanMethods = false)
class LedgerReconciliation {

	static final String JOB = "ledger-reconciliation";

	@Bean
	JobDetail ledgerReconciliationJob() {
		return JobBuilder.newJob(Reconcile.class).withIdentity(JOB).storeDurably().build();
	}

	@Bean
	Trigger ledgerReconciliationTrigger(JobDetail ledgerReconciliationJob) {
		return TriggerBuilder.newTrigger()
			.forJob(ledgerReconciliationJob)
			.withIdentity(JOB)
			.withSchedule(SimpleScheduleBuilder.repeatSecondlyForever(5))
			.build();
	}

	/**
	 * The job: a short stand-in for a call to the ledger.
	 */
	static class Reconcile extends QuartzJobBean {

		@Override
		protected void executeInternal(JobExecutionContext context) {
			try {
				Thread.sleep(ThreadLocalRandom.current().nextLong(100, 600));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

}
