package io.github.jobmetrics.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * A worker service: consumers of a JMS queue (embedded ActiveMQ Artemis) that always has work, and a scheduled export, all traced with
 * {@code @TracedJob}. Metrics on {@code /actuator/prometheus}.
 */
@SpringBootApplication
@EnableScheduling
@ConfigurationPropertiesScan
public class SampleApplication {

	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

}
