package io.github.jobmetrics.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * A worker service: consumers of a JMS queue (embedded ActiveMQ Artemis) that always has work, and a scheduled export, all traced with
 * {@code @TracedJob}; plus one job of each other kind the starter measures, kept cheap: a Quartz job, a ShedLock-guarded
 * {@code @Scheduled} job, a Spring Batch job and an {@code @Async} job. Metrics on {@code /actuator/prometheus}.
 */
@SpringBootApplication
@EnableScheduling
@EnableAsync
@ConfigurationPropertiesScan
public class SampleApplication {

	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

}
