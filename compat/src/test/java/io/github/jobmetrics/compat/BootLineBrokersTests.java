package io.github.jobmetrics.compat;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.jobmetrics.TracedJob;
import io.github.jobmetrics.messaging.amqp.RabbitBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobExecutionContext;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;

import org.springframework.batch.core.job.SimpleJob;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.builder.StepBuilder;

import org.springframework.amqp.rabbit.annotation.Queue;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.jms.annotation.JmsListener;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.scheduling.quartz.QuartzJobBean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.PlatformTransactionManager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A plain web application of one Spring Boot line with the starter and each broker and scheduler a user of that line
 * adds: {@code spring-boot-starter-amqp} (the real RabbitMQ node of {@link RabbitBroker}),
 * {@code spring-boot-starter-artemis} (embedded Artemis), {@code spring-kafka} (the embedded KRaft broker of this
 * line's {@code spring-kafka-test}), {@code spring-boot-starter-quartz} and Spring Batch (5 on 3.5, 6 on 4.x, its job
 * repository on an embedded H2). It starts, and a traced listener of each broker, a Quartz job and the step of a
 * Batch job that Boot runs at start-up (both traced with no code) are counted in the scrape at
 * {@code /actuator/prometheus}.
 */
// Run by the boot-line-application execution of compat/pom.xml, on the classpath of a user of the starter.
@EnabledIfSystemProperty(named = "job-metrics.expected-boot-version", matches = ".+")
@ExtendWith(RabbitBroker.class)
@EmbeddedKafka(partitions = 1, topics = "line-shipments", bootstrapServersProperty = "spring.kafka.bootstrap-servers")
// Boot 4 switches metrics export on in tests with spring.test.metrics.export, Boot 3.5 with
// spring.test.observability.auto-configure; each line ignores the other's.
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=prometheus", "spring.test.metrics.export=true",
				"spring.test.observability.auto-configure=true", "spring.artemis.mode=embedded",
				"spring.artemis.embedded.persistent=false", "spring.kafka.consumer.auto-offset-reset=earliest",
				"spring.kafka.consumer.group-id=line-shipments" })
class BootLineBrokersTests {

	@LocalServerPort
	private int port;

	@Autowired
	private JmsTemplate jms;

	@Autowired
	private KafkaTemplate<String, String> kafka;

	@Autowired
	private RabbitTemplate rabbit;

	@DynamicPropertySource
	static void rabbitNode(DynamicPropertyRegistry registry) {
		registry.add("spring.rabbitmq.host", () -> "127.0.0.1");
		registry.add("spring.rabbitmq.port", RabbitBroker::port);
	}

	@Test
	void startsAndCountsATracedRunOfEachBrokersListenerAQuartzJobAndABatchStep() throws Exception {
		assertThat(SpringBootVersion.getVersion()).isEqualTo(System.getProperty("job-metrics.expected-boot-version"));
		this.jms.convertAndSend("line-payments", "payment-1");
		this.kafka.send("line-shipments", "shipment-1");
		this.rabbit.convertAndSend("line-orders", "order-1");
		for (String job : new String[] { "line-payments", "line-shipments", "line-orders", "line-report",
				"line-settlement.settle" }) {
			await().atMost(Duration.ofSeconds(60))
				.untilAsserted(() -> assertThat(successes(scrape(), job)).as(job).isEqualTo(1.0));
		}
		String scrape = scrape();
		// The listeners' runs observed their queue wait, from JMSTimestamp and the record's timestamp (RabbitTemplate
		// sets no AMQP timestamp).
		for (String job : new String[] { "line-payments", "line-shipments" }) {
			assertThat(scrape).as(job).containsPattern("job_queue_wait_seconds_count\\{[^}]*job_name=\"" + job + "\"");
		}
	}

	private String scrape() throws Exception {
		return ActuatorScrape.of(this.port);
	}

	private static double successes(String scrape, String job) {
		Matcher matcher = Pattern.compile("^job_executions_total\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE)
			.matcher(scrape);
		while (matcher.find()) {
			if (matcher.group(1).contains("job_name=\"" + job + "\"")
					&& matcher.group(1).contains("result=\"success\"")) {
				return Double.parseDouble(matcher.group(2));
			}
		}
		return 0;
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class BrokersApplication {

		@Bean
		Listeners listeners() {
			return new Listeners();
		}

		@Bean
		JobDetail lineReport() {
			return JobBuilder.newJob(ReportJob.class).withIdentity("line-report").storeDurably().build();
		}

		@Bean
		Trigger lineReportOnce(JobDetail lineReport) {
			return TriggerBuilder.newTrigger().forJob(lineReport).startNow().build();
		}

		// Named by types of the same package in Batch 5 and 6 (Job and Step moved in 6); a tasklet that returns null
		// has finished, which spares the RepeatStatus of either package.
		@Bean
		SimpleJob lineSettlement(JobRepository repository, PlatformTransactionManager transactionManager) {
			return (SimpleJob) new org.springframework.batch.core.job.builder.JobBuilder("line-settlement", repository)
				.start(new StepBuilder("settle", repository)
					.tasklet((contribution, chunkContext) -> null, transactionManager)
					.build())
				.build();
		}

	}

	static class Listeners {

		@JmsListener(destination = "line-payments")
		@TracedJob(name = "line-payments", queue = "line-payments")
		public void onPayment(String payment) {
		}

		@KafkaListener(id = "line-shipments", topics = "line-shipments")
		@TracedJob(name = "line-shipments", queue = "line-shipments")
		public void onShipment(String shipment) {
		}

		@RabbitListener(queuesToDeclare = @Queue("line-orders"))
		@TracedJob(name = "line-orders", queue = "line-orders")
		public void onOrder(String order) {
		}

	}

	public static class ReportJob extends QuartzJobBean {

		@Override
		protected void executeInternal(JobExecutionContext context) {
		}

	}

}
