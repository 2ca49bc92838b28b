package io.github.jobmetrics.aop;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.jobmetrics.JobMetricsConfigurationException;
import io.github.jobmetrics.TracedJob;
import io.github.jobmetrics.autoconfigure.JobMetricsAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.support.GenericMessage;
import org.springframework.messaging.support.MessageBuilder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@code @TracedJob(enqueuedAt = ...)}: an enqueue time taken from the payload.
 */
class EnqueuedAtTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, JobMetricsAutoConfiguration.class))
		.withBean(SimpleMeterRegistry.class);

	@Test
	void eachSupportedTypeOfEnqueueTimeIsObserved() {
		this.contextRunner.withBean(Imports.class).run((context) -> {
			Imports imports = context.getBean(Imports.class);
			Instant tenSecondsAgo = Instant.now().minusSeconds(10);
			imports.byInstant(new Upload(tenSecondsAgo));
			imports.byMillis(tenSecondsAgo.toEpochMilli());
			imports.byDate(Date.from(tenSecondsAgo));
			imports.byOffsetDateTime(OffsetDateTime.ofInstant(tenSecondsAgo, ZoneOffset.ofHours(5)));
			imports.byInstant(new Upload(null));
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			for (String job : new String[] { "by-instant", "by-millis", "by-date", "by-offset" }) {
				assertThat(registry.get("job.queue.wait").tag("job.name", job).timer().count()).as(job).isOne();
				assertThat(registry.get("job.queue.wait").tag("job.name", job).timer().max(TimeUnit.SECONDS)).as(job)
					.isBetween(10.0, 20.0);
			}
			// The second run of by-instant had no upload time: it ran, and observed nothing.
			assertThat(registry.get("job.executions").tags("job.name", "by-instant", "result", "success")
				.functionCounter()
				.count()).isEqualTo(2);
		});
	}

	@Test
	void anExpressionThatYieldsSomethingElseObservesNothingAndTheJobRunsOn() {
		this.contextRunner.withBean(Imports.class).run((context) -> {
			assertThat(context.getBean(Imports.class).byName("statement.csv")).isEqualTo("imported statement.csv");
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.find("job.queue.wait").timers()).isEmpty();
			assertThat(registry.get("job.executions").tags("job.name", "by-name", "result", "success").functionCounter()
				.count()).isOne();
		});
	}

	@Test
	void anInvalidExpressionFailsStartUpNamingTheMethod() {
		this.contextRunner.withBean(BrokenImports.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).isInstanceOf(JobMetricsConfigurationException.class)
				.hasMessageContaining("BrokenImports.run()")
				.hasMessageContaining("enqueuedAt \"#p0.(\" is not a valid SpEL expression");
		});
	}

	@Test
	void aSpringMessageArgumentWaitedFromTheSendTimeThatItsBrokerHeadersCarry() {
		this.contextRunner.withBean(Imports.class).run((context) -> {
			Imports imports = context.getBean(Imports.class);
			long now = System.currentTimeMillis();
			imports.byMessage(MessageBuilder.withPayload("jms").setHeader("jms_timestamp", now - 7_000).build());
			imports.byMessage(MessageBuilder.withPayload("kafka")
				.setHeader("kafka_receivedTimestamp", List.of(now - 7_000, now - 9_000))
				.build());
			imports.byMessage(MessageBuilder.withPayload("amqp").setHeader("amqp_timestamp", new Date(now - 7_000)).build());
			Timer wait = context.getBean(MeterRegistry.class).get("job.queue.wait").tag("job.name", "by-message").timer();
			assertThat(wait.count()).isEqualTo(4);
			assertThat(wait.max(TimeUnit.SECONDS)).isBetween(9.0, 19.0);
			assertThat(wait.totalTime(TimeUnit.SECONDS)).isBetween(30.0, 70.0);
		});
	}

	@Test
	void theTimestampHeaderOfASpringMessageIsNoEnqueueTimeForSpringSetsItWhenItBuildsTheHeaders() {
		this.contextRunner.withBean(Imports.class).run((context) -> {
			context.getBean(Imports.class)
				.byMessage(new GenericMessage<>("statement.csv", new BuiltAt(System.currentTimeMillis() - 7_000)));
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.find("job.queue.wait").timers()).isEmpty();
			assertThat(registry.get("job.executions").tags("job.name", "by-message", "result", "success")
				.functionCounter()
				.count()).isOne();
		});
	}

	record Upload(Instant uploadedAt) {
	}

	// Spring sets a message's timestamp when it builds its headers: these were built seconds ago, as by a
	// producer in the same process.
	static class BuiltAt extends MessageHeaders {

		BuiltAt(long timestamp) {
			super(null, MessageHeaders.ID_VALUE_NONE, timestamp);
		}

	}

	static class Imports {

		@TracedJob(name = "by-instant", enqueuedAt = "#p0.uploadedAt")
		public void byInstant(Upload upload) {
		}

		@TracedJob(name = "by-millis", enqueuedAt = "#a0")
		public void byMillis(long epochMillis) {
		}

		@TracedJob(name = "by-date", enqueuedAt = "#p0")
		public void byDate(Date date) {
		}

		@TracedJob(name = "by-offset", enqueuedAt = "#p0")
		public void byOffsetDateTime(OffsetDateTime time) {
		}

		@TracedJob(name = "by-message")
		public void byMessage(Message<String> message) {
		}

		@TracedJob(name = "by-name", enqueuedAt = "#p0")
		public String byName(String name) {
			return "imported " + name;
		}

	}

	static class BrokenImports {

		@TracedJob(name = "broken", enqueuedAt = "#p0.(")
		public void run() {
		}

	}

}
