package io.github.jobmetrics.sample;

import java.math.BigDecimal;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;

import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.job.parameters.RunIdIncrementer;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamReader;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * A Spring Batch job, as a nightly settlement's (launched every minute here, and cheap: some 300 ms of work): a chunk
 * step that settles a few hundred generated payments, then a tasklet step that reports the total. job-metrics traces
 * it with no code (docs/spring-batch.md): each step execution is a run of {@code settlement.settle} and
 * {@code settlement.report}, which count the thread's worked time, and the job execution a run of {@code settlement}
 * that encloses them. Its job repository is Spring Batch's JDBC one, on the embedded H2 database that ShedLock uses;
 * Spring Boot creates its tables there ({@code spring.batch.jdbc.initialize-schema}) and does not launch the job at
 * start-up ({@code spring.batch.job.enabled=false}): this schedule does.
 */
@Component
class Settlement {

	static final String JOB = "settlement";

	private static final int PAYMENTS = 500;

	private static final int CHUNK = 50;

	private final JobOperator jobs;

	private final Job settlement;

	Settlement(JobOperator jobs, Job settlement) {
		this.jobs = jobs;
		this.settlement = settlement;
	}

	// Not traced itself (job-metrics.instrument.scheduled is off): the steps run on this thread and count it.
	@Scheduled(fixedDelayString = "${sample.settlement-interval:1m}")
	void launch() {
		this.jobs.startNextInstance(this.settlement);
	}

	@Configuration(proxyBeanMethods = false)
	static class Steps {

		// Not named settlement: that is the launcher's bean name.
		@Bean
		Job settlementJob(JobRepository repository, PlatformTransactionManager tx) {
			AtomicReference<BigDecimal> settled = new AtomicReference<>(BigDecimal.ZERO);
			Step settle = new StepBuilder("settle", repository).<BigDecimal, BigDecimal>chunk(CHUNK)
				.transactionManager(tx)
				.reader(new GeneratedPayments(PAYMENTS))
				// The fee, kept back from each payment.
				.processor((amount) -> amount.multiply(new BigDecimal("0.985")))
				.writer((chunk) -> {
					// A round trip to the ledger per chunk.
					Thread.sleep(ThreadLocalRandom.current().nextLong(15, 30));
					chunk.forEach((amount) -> settled.accumulateAndGet(amount, BigDecimal::add));
				})
				.build();
			// Sends the day's total on, and starts the next day's from 0.
			Step report = new StepBuilder("report", repository).tasklet((contribution, chunkContext) -> {
				Thread.sleep(ThreadLocalRandom.current().nextLong(50, 100));
				settled.set(BigDecimal.ZERO);
				return null;
			}, tx).build();
			return new JobBuilder(JOB, repository).incrementer(new RunIdIncrementer()).start(settle).next(report).build();
		}

	}

	/**
	 * The day's payments, generated: a stream, so that each step execution reads them from the first again.
	 */
	static final class GeneratedPayments implements ItemStreamReader<BigDecimal> {

		private final int count;

		private int read;

		GeneratedPayments(int count) {
			this.count = count;
		}

		@Override
		public void open(ExecutionContext executionContext) {
			this.read = 0;
		}

		@Override
		public @Nullable BigDecimal read() {
			if (this.read == this.count) {
				return null;
			}
			this.read++;
			return BigDecimal.valueOf(ThreadLocalRandom.current().nextLong(100, 100_000), 2);
		}

	}

}
