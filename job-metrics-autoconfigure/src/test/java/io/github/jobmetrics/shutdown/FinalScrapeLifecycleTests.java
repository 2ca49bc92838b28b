package io.github.jobmetrics.shutdown;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.github.jobmetrics.JobRun;
import io.github.jobmetrics.JobTracer;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.step.StepMeterRegistry;
import io.micrometer.core.instrument.step.StepRegistryConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Real applications with a real web server, closed as {@code SIGTERM} closes them, while they are scraped over
 * HTTP: the scrape endpoint must keep answering until the runs in flight have ended and every scraper has read
 * their ends, and not a moment longer. Names no class of one Boot line, so that it runs on every line.
 * <p>
 * The scrape intervals are long (60 s) where a test proves that the stop ends at a scrape: a close that waited for
 * the interval instead would miss the bound of 20 s that the test gives it.
 */
@ExtendWith(OutputCaptureExtension.class)
class FinalScrapeLifecycleTests {

	private static final String LONG_INTERVAL = "--job-metrics.shutdown.scrape-interval=60s";

	private static final String LONG_PHASE = "--spring.lifecycle.timeout-per-shutdown-phase=120s";

	// The test classpath has OTLP's registry, which Boot would configure (a push registry, and a failing publish).
	private static final String NO_OTLP = "--management.otlp.metrics.export.enabled=false";

	// Far below the 60 s interval: a close within it ended at a scrape, or at once.
	private static final long CLOSE_BOUND_SECONDS = 20;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private ConfigurableApplicationContext context;

	@AfterEach
	void close() {
		if (this.context != null) {
			this.context.close();
		}
	}

	@Test
	void scrapesAnswerUntilTheRunsInFlightHaveEndedAndTheStopEndsAtTheScrapeThatReadTheirEnds(CapturedOutput output)
			throws Exception {
		start(LONG_INTERVAL, LONG_PHASE);
		JobTracer tracer = this.context.getBean(JobTracer.class);
		URI scrape = scrapeUri("local.server.port");
		becomeRegular(scrape, "Prometheus/3");
		JobRun first = tracer.start("long-export", "exports");
		JobRun second = tracer.start("long-export", "exports");
		CompletableFuture<Void> closed = CompletableFuture.runAsync(this.context::close);
		await("the stop to wait for the runs").until(() -> output.getOut().contains("waiting for 2 job run(s)"));
		// The web server would stop at once without the final scrape: it has no request in flight.
		assertThat(scrape(scrape, "Prometheus/3"))
			.contains("job_inflight{job_name=\"long-export\",queue=\"exports\"} 2.0");
		first.close();
		assertThat(scrape(scrape, "Prometheus/3"))
			.contains("job_inflight{job_name=\"long-export\",queue=\"exports\"} 1.0");
		assertThat(closed).isNotDone();
		second.close();
		String last = scrape(scrape, "Prometheus/3");
		assertThat(last).contains("job_inflight{job_name=\"long-export\",queue=\"exports\"} 0.0")
			.contains("job_executions_total{job_name=\"long-export\",queue=\"exports\",result=\"success\"} 2.0");
		closed.get(CLOSE_BOUND_SECONDS, TimeUnit.SECONDS);
		assertThatExceptionOfType(IOException.class).as("a scrape after the close")
			.isThrownBy(() -> scrape(scrape, "Prometheus/3"));
	}

	@Test
	void waitsForEachScraperOfAnHaPairToReadTheLastEnd(CapturedOutput output) throws Exception {
		start(LONG_INTERVAL, LONG_PHASE);
		URI scrape = scrapeUri("local.server.port");
		becomeRegular(scrape, "Prometheus/3 (replica a)");
		becomeRegular(scrape, "Prometheus/3 (replica b)");
		this.context.getBean(JobTracer.class).trace("quick", null, () -> {
		});
		CompletableFuture<Void> closed = CompletableFuture.runAsync(this.context::close);
		await("the stop to wait for the scrapers").until(() -> output.getOut().contains("until 2 scraper(s)"));
		assertThat(scrape(scrape, "Prometheus/3 (replica a)"))
			.contains("job_executions_total{job_name=\"quick\",queue=\"none\",result=\"success\"} 1.0");
		await("replica b to be waited for").during(Duration.ofMillis(500))
			.atMost(Duration.ofSeconds(5))
			.until(() -> !closed.isDone());
		assertThat(scrape(scrape, "Prometheus/3 (replica b)"))
			.contains("job_executions_total{job_name=\"quick\",queue=\"none\",result=\"success\"} 1.0");
		closed.get(CLOSE_BOUND_SECONDS, TimeUnit.SECONDS);
		assertThat(output).contains("every scraper has read the final values");
	}

	@Test
	void stopsAtOnceWhenEveryScraperHasReadTheLastEnd(CapturedOutput output) throws Exception {
		start(LONG_INTERVAL, LONG_PHASE);
		URI scrape = scrapeUri("local.server.port");
		this.context.getBean(JobTracer.class).trace("quick", null, () -> {
		});
		becomeRegular(scrape, "Prometheus/3");
		CompletableFuture.runAsync(this.context::close).get(CLOSE_BOUND_SECONDS, TimeUnit.SECONDS);
		assertThat(output).doesNotContain("Graceful shutdown: keeping");
	}

	// A single read (someone's curl, a test's own assertion) is no scraper that will come back.
	@Test
	void stopsAtOnceWithoutARegularScraper(CapturedOutput output) throws Exception {
		start(LONG_INTERVAL, LONG_PHASE);
		URI scrape = scrapeUri("local.server.port");
		scrape(scrape, "curl/8");
		this.context.getBean(JobTracer.class).trace("quick", null, () -> {
		});
		CompletableFuture.runAsync(this.context::close).get(CLOSE_BOUND_SECONDS, TimeUnit.SECONDS);
		assertThat(output).doesNotContain("Graceful shutdown: keeping");
	}

	@Test
	void stopsOneScrapeIntervalAfterTheLastEndWhenAScraperDoesNotComeBack(CapturedOutput output) throws Exception {
		start("--job-metrics.shutdown.scrape-interval=2s", LONG_PHASE);
		URI scrape = scrapeUri("local.server.port");
		becomeRegular(scrape, "Prometheus/3");
		this.context.getBean(JobTracer.class).trace("quick", null, () -> {
		});
		CompletableFuture.runAsync(this.context::close).get(CLOSE_BOUND_SECONDS, TimeUnit.SECONDS);
		assertThat(output).contains("until 1 scraper(s)").contains("no final scrape by [127.0.0.1 Prometheus/3]");
	}

	@Test
	void exportsTheWorkSoFarAndLetsTheServerStopWhenARunOutlastsTheShutdownPhase(CapturedOutput output)
			throws Exception {
		// A phase of 8 s leaves 7 s: runs are waited for 2 s, then the scrapers for at most 5 s.
		start("--job-metrics.shutdown.scrape-interval=5s", "--spring.lifecycle.timeout-per-shutdown-phase=8s");
		JobTracer tracer = this.context.getBean(JobTracer.class);
		URI scrape = scrapeUri("local.server.port");
		becomeRegular(scrape, "Prometheus/3");
		try (JobRun stuck = tracer.start("stuck", null)) {
			CompletableFuture<Void> closed = CompletableFuture.runAsync(this.context::close);
			await("the stop to wait for the run").until(() -> output.getOut().contains("waiting for 1 job run(s)"));
			assertThat(scrape(scrape, "Prometheus/3")).contains("job_inflight{job_name=\"stuck\",queue=\"none\"} 1.0");
			await("the wait for runs to give up").until(() -> output.getOut().contains("still in flight after"));
			// As Prometheus would, until the stop has seen a scrape of the work so far and the server is gone.
			await("the stop to end at a scrape").atMost(Duration.ofSeconds(CLOSE_BOUND_SECONDS))
				.pollInterval(Duration.ofMillis(200))
				.until(() -> scrapeUnlessStopped(scrape) && closed.isDone());
			closed.get(CLOSE_BOUND_SECONDS, TimeUnit.SECONDS);
			assertThat(output).contains("1 job run(s) still in flight after")
				.contains("spring.lifecycle.timeout-per-shutdown-phase");
		}
	}

	// A phase timeout below the scrape interval (15 s by default) is no reason to stop the application.
	@Test
	void startsAndShortensTheHoldWhenTheShutdownPhaseIsShorterThanTheScrapeInterval(CapturedOutput output)
			throws Exception {
		start("--spring.lifecycle.timeout-per-shutdown-phase=4s");
		URI scrape = scrapeUri("local.server.port");
		becomeRegular(scrape, "Prometheus/3");
		this.context.getBean(JobTracer.class).trace("quick", null, () -> {
		});
		CompletableFuture.runAsync(this.context::close).get(CLOSE_BOUND_SECONDS, TimeUnit.SECONDS);
		assertThat(output).containsOnlyOnce("job-metrics.shutdown.scrape-interval (15.0 s) does not fit in "
				+ "spring.lifecycle.timeout-per-shutdown-phase (4.0 s)")
			.contains("until 1 scraper(s) have read the final values");
	}

	// With management.server.port, the application's own server stops taking traffic first, while Actuator's
	// stays up for the final scrape.
	@Test
	void keepsTheManagementServerUpAfterTheApplicationsServerHasStoppedTakingTraffic(CapturedOutput output)
			throws Exception {
		start(LONG_INTERVAL, LONG_PHASE, "--management.server.port=0", "--management.server.address=127.0.0.1");
		JobTracer tracer = this.context.getBean(JobTracer.class);
		URI application = URI
			.create("http://127.0.0.1:" + this.context.getEnvironment().getProperty("local.server.port") + "/");
		URI scrape = scrapeUri("local.management.port");
		becomeRegular(scrape, "Prometheus/3");
		JobRun run = tracer.start("long-export", "exports");
		CompletableFuture<Void> closed = CompletableFuture.runAsync(this.context::close);
		await("the application's server to refuse new connections").ignoreExceptions()
			.until(() -> refusesConnections(application));
		assertThat(scrape(scrape, "Prometheus/3"))
			.contains("job_inflight{job_name=\"long-export\",queue=\"exports\"} 1.0");
		assertThat(closed).isNotDone();
		run.close();
		assertThat(scrape(scrape, "Prometheus/3"))
			.contains("job_executions_total{job_name=\"long-export\",queue=\"exports\",result=\"success\"} 1.0");
		// The scrape may come before the stop has seen the end: then it stops without logging a wait.
		closed.get(CLOSE_BOUND_SECONDS, TimeUnit.SECONDS);
	}

	// As @SpringBootTest's default (mock) web environment: no server, so nothing to hold for, even for a client
	// that read the endpoint through MockMvc.
	@Test
	void closesAMockWebEnvironmentAtOnce(CapturedOutput output) {
		new WebApplicationContextRunner().withUserConfiguration(TestApplication.class)
			.withPropertyValues("management.endpoints.web.exposure.include=prometheus",
					"job-metrics.shutdown.scrape-interval=60s", "spring.lifecycle.timeout-per-shutdown-phase=120s",
					NO_OTLP.substring(2))
			.run((context) -> {
				MockMvc mvc = MockMvcBuilders.webAppContextSetup(context).build();
				for (int i = 0; i < 2; i++) {
					mvc.perform(get("/actuator/prometheus").header("User-Agent", "Prometheus/3"))
						.andExpect(status().isOk());
				}
				context.getBean(JobTracer.class).trace("quick", null, () -> {
				});
				CompletableFuture.runAsync(context::close).get(CLOSE_BOUND_SECONDS, TimeUnit.SECONDS);
			});
		assertThat(output).doesNotContain("Graceful shutdown: keeping");
	}

	// The registry closes after every lifecycle stop, when the application's beans are destroyed: its final
	// publish holds the ends of the runs that the stop waited for.
	@Test
	void aPushRegistrysFinalPublishHoldsTheEndsOfTheRunsInFlight(CapturedOutput output) throws Exception {
		this.context = new SpringApplicationBuilder(TestApplication.class, PushRegistryConfiguration.class)
			.web(WebApplicationType.NONE)
			.run(LONG_PHASE, NO_OTLP);
		RecordingPushRegistry registry = this.context.getBean(RecordingPushRegistry.class);
		JobRun run = this.context.getBean(JobTracer.class).start("export", null);
		CompletableFuture<Void> closed = CompletableFuture.runAsync(this.context::close);
		await("the stop to wait for the run").until(() -> output.getOut().contains("waiting for 1 job run(s)"));
		assertThat(registry.inFlightAtPublish).isEmpty();
		run.close();
		closed.get(CLOSE_BOUND_SECONDS, TimeUnit.SECONDS);
		assertThat(registry.inFlightAtPublish).as("job_inflight at each publish").containsExactly(0.0);
	}

	private void start(String... arguments) {
		String[] all = new String[arguments.length + 4];
		all[0] = "--server.port=0";
		all[1] = "--server.address=127.0.0.1";
		all[2] = "--management.endpoints.web.exposure.include=prometheus";
		all[3] = NO_OTLP;
		System.arraycopy(arguments, 0, all, 4, arguments.length);
		this.context = new SpringApplicationBuilder(TestApplication.class).web(WebApplicationType.SERVLET)
			.run(all);
	}

	// Boot publishes the ports it bound as these properties on every line.
	private URI scrapeUri(String portProperty) {
		return URI.create("http://127.0.0.1:" + this.context.getEnvironment().getProperty(portProperty)
				+ "/actuator/prometheus");
	}

	// Scrapers that have read the endpoint at least twice are waited for.
	private void becomeRegular(URI uri, String userAgent) throws Exception {
		scrape(uri, userAgent);
		scrape(uri, userAgent);
	}

	private String scrape(URI uri, String userAgent) throws IOException, InterruptedException {
		HttpResponse<String> response = this.http.send(
				HttpRequest.newBuilder(uri).header("User-Agent", userAgent).timeout(Duration.ofSeconds(5)).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as("status of a scrape").isEqualTo(200);
		return response.body();
	}

	private boolean scrapeUnlessStopped(URI uri) throws InterruptedException {
		try {
			assertThat(scrape(uri, "Prometheus/3")).contains("job_inflight{job_name=\"stuck\",queue=\"none\"} 1.0");
		}
		catch (IOException ex) {
			// The server has stopped after the final scrape.
		}
		return true;
	}

	private boolean refusesConnections(URI uri) throws InterruptedException {
		try {
			this.http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
					HttpResponse.BodyHandlers.discarding());
			return false;
		}
		catch (IOException ex) {
			return true;
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class TestApplication {

	}

	@Configuration(proxyBeanMethods = false)
	static class PushRegistryConfiguration {

		@Bean
		RecordingPushRegistry recordingPushRegistry() {
			return new RecordingPushRegistry();
		}

	}

	// Never started: it publishes only when it closes, as every push registry does on close.
	static final class RecordingPushRegistry extends StepMeterRegistry {

		final List<Double> inFlightAtPublish = new CopyOnWriteArrayList<>();

		RecordingPushRegistry() {
			super(new StepRegistryConfig() {

				@Override
				public String prefix() {
					return "recording";
				}

				@Override
				public String get(String key) {
					return null;
				}

			}, Clock.SYSTEM);
		}

		@Override
		protected void publish() {
			this.inFlightAtPublish.add(get("job.inflight").tag("job.name", "export").gauge().value());
		}

		@Override
		protected TimeUnit getBaseTimeUnit() {
			return TimeUnit.SECONDS;
		}

	}

}
