package io.github.jobmetrics.compat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.jobmetrics.TracedJob;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import org.springframework.aop.config.AopConfigUtils;
import org.springframework.aop.framework.autoproxy.InfrastructureAdvisorAutoProxyCreator;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * A {@code @TracedJob} application of one Spring Boot line, with the README's one dependency (the starter) and
 * nothing but auto-configuration, scraped over HTTP at {@code /actuator/prometheus}. Shared by the
 * {@code compat/boot-*} modules; each passes the Boot version it manages as
 * {@code job-metrics.expected-boot-version}, so that a module that silently resolved another line fails here.
 */
// Run by the boot-line-application execution of compat/pom.xml, on the classpath of a user of the starter.
@EnabledIfSystemProperty(named = "job-metrics.expected-boot-version", matches = ".+")
// Boot 4 switches metrics export on in tests with spring.test.metrics.export, Boot 3.5 with
// spring.test.observability.auto-configure; each line ignores the other's.
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.endpoints.web.exposure.include=prometheus", "spring.test.metrics.export=true",
				"spring.test.observability.auto-configure=true" })
class BootLineEndToEndTests {

	@LocalServerPort
	private int port;

	@Autowired
	private ApplicationContext context;

	@Autowired
	private LedgerClose ledgerClose;

	@Test
	void applicationRunsOnTheBootLineOfThisModuleWithoutAspectJ() {
		String expected = System.getProperty("job-metrics.expected-boot-version");
		assertThat(expected).as("system property job-metrics.expected-boot-version").isNotBlank();
		assertThat(SpringBootVersion.getVersion()).isEqualTo(expected);
		// On 3.5 the Framework 7 types that the advisor reads for @Retryable are really absent, so the runs of
		// these tests go through the guard that keeps them unloaded.
		assertThat(ClassUtils.isPresent("org.springframework.core.retry.RetryPolicy", null))
			.isEqualTo(!expected.startsWith("3."));
		// The starter brings no AspectJ weaver: the advisor is plain Spring AOP, applied by the infrastructure
		// auto-proxy creator that Boot's AOP auto-configuration registers without AspectJ, as class proxies.
		assertThat(ClassUtils.isPresent("org.aspectj.weaver.Advice", null)).isFalse();
		assertThat(this.context.getBean(AopConfigUtils.AUTO_PROXY_CREATOR_BEAN_NAME))
			.isInstanceOf(InfrastructureAdvisorAutoProxyCreator.class);
		assertThat(AopUtils.isCglibProxy(this.ledgerClose)).isTrue();
	}

	@Test
	void scrapeCountsARunInFlightAndThenTheFinishedRun() throws Exception {
		String idle = scrape();
		assertThat(value(idle, "job_executions_total", "result=\"success\"")).isZero();
		assertThat(value(idle, "job_inflight", "")).isZero();
		CountDownLatch started = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		CompletableFuture<Void> run = CompletableFuture.runAsync(() -> this.ledgerClose.close(started, release));
		try {
			assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
			String first = scrape();
			assertThat(value(first, "job_inflight", "")).isEqualTo(1.0);
			double worked = value(first, "job_worked_seconds_total", "");
			// Worked seconds include the elapsed part of the run in flight, so they grow between scrapes.
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(value(scrape(), "job_worked_seconds_total", "")).isGreaterThan(worked));
		}
		finally {
			release.countDown();
		}
		run.get(10, TimeUnit.SECONDS);
		String done = scrape();
		assertThat(value(done, "job_executions_total", "result=\"success\"")).isEqualTo(1.0);
		assertThat(value(done, "job_duration_seconds_count", "")).isEqualTo(1.0);
		assertThat(value(done, "job_inflight", "")).isZero();
		assertThat(value(done, "job_worked_seconds_total", ""))
			.isCloseTo(value(done, "job_duration_seconds_sum", ""), within(1e-6));
	}

	private String scrape() throws Exception {
		return ActuatorScrape.of(this.port);
	}

	// The value of the one sample of the ledger-close job with the given name that has the given label as well.
	private static double value(String scrape, String name, String label) {
		Pattern sample = Pattern.compile("^" + name + "\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE);
		Matcher matcher = sample.matcher(scrape);
		Double value = null;
		while (matcher.find()) {
			String labels = matcher.group(1);
			if (labels.contains("job_name=\"ledger-close\"") && labels.contains("queue=\"ledgers\"")
					&& labels.contains(label)) {
				assertThat(value).as("one sample of %s{%s}", name, label).isNull();
				value = Double.parseDouble(matcher.group(2));
			}
		}
		assertThat(value).as("a sample of %s{%s} in%n%s", name, label, scrape).isNotNull();
		return value;
	}

	@SpringBootApplication
	static class LedgerApplication {

		@Bean
		LedgerClose ledgerClose() {
			return new LedgerClose();
		}

	}

	static class LedgerClose {

		@TracedJob(name = "ledger-close", queue = "ledgers")
		public void close(CountDownLatch started, CountDownLatch release) {
			started.countDown();
			try {
				if (!release.await(30, TimeUnit.SECONDS)) {
					throw new IllegalStateException("Never released");
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

}
