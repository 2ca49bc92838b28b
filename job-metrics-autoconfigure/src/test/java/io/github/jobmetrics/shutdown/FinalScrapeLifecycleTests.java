package io.github.jobmetrics.shutdown;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import io.github.jobmetrics.JobRun;
import io.github.jobmetrics.JobTracer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * A real application with a real web server, closed as {@code SIGTERM} closes it, while it is scraped over
 * HTTP: the scrape endpoint must keep answering until the runs in flight have ended and their results have
 * been served.
 */
@ExtendWith(OutputCaptureExtension.class)
class FinalScrapeLifecycleTests {

	// Long enough for a scrape to get through on a busy machine before the window closes.
	private static final String SCRAPE_INTERVAL = "5s";

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private ConfigurableApplicationContext context;

	@AfterEach
	void close() {
		if (this.context != null) {
			this.context.close();
		}
	}

	@Test
	void scrapesAnswerUntilTheRunsInFlightHaveEndedAndShowTheirSuccess(CapturedOutput output) throws Exception {
		start("--job-metrics.shutdown.scrape-interval=" + SCRAPE_INTERVAL, "--spring.lifecycle.timeout-per-shutdown-phase=30s");
		JobTracer tracer = this.context.getBean(JobTracer.class);
		URI scrape = scrapeUri();
		JobRun first = tracer.start("long-export", "exports");
		JobRun second = tracer.start("long-export", "exports");
		CompletableFuture<Void> closed = CompletableFuture.runAsync(this.context::close);
		awaitHoldingBack(output);
		// The web server would stop at once without the final scrape: it has no request in flight.
		assertThat(scrape(scrape)).contains("job_inflight{job_name=\"long-export\",queue=\"exports\"} 2.0");
		first.close();
		assertThat(scrape(scrape)).contains("job_inflight{job_name=\"long-export\",queue=\"exports\"} 1.0");
		assertThat(closed).isNotDone();
		second.close();
		String last = scrape(scrape);
		assertThat(last).contains("job_inflight{job_name=\"long-export\",queue=\"exports\"} 0.0")
			.contains("job_executions_total{job_name=\"long-export\",queue=\"exports\",result=\"success\"} 2.0");
		closed.get();
		assertThatExceptionOfType(IOException.class).as("a scrape after the close").isThrownBy(() -> scrape(scrape));
	}

	@Test
	void exportsTheWorkSoFarAndLetsTheServerStopWhenARunOutlastsTheShutdownPhase(CapturedOutput output)
			throws Exception {
		// A phase of 8 s leaves 7 s: runs are waited for 2 s, then one scrape interval of 5 s passes.
		start("--job-metrics.shutdown.scrape-interval=" + SCRAPE_INTERVAL, "--spring.lifecycle.timeout-per-shutdown-phase=8s");
		JobTracer tracer = this.context.getBean(JobTracer.class);
		URI scrape = scrapeUri();
		try (JobRun stuck = tracer.start("stuck", null)) {
			CompletableFuture<Void> closed = CompletableFuture.runAsync(this.context::close);
			awaitHoldingBack(output);
			assertThat(scrape(scrape)).contains("job_inflight{job_name=\"stuck\",queue=\"none\"} 1.0");
			closed.get();
			assertThat(output).contains("1 job run(s) still in flight after")
				.contains("spring.lifecycle.timeout-per-shutdown-phase");
		}
	}

	@Test
	void stopsAtOnceWhenNoRunIsInFlightOrEndedWithinTheScrapeInterval(CapturedOutput output) throws Exception {
		// With a 20 s interval, a wait would hold the close for 20 s.
		start("--job-metrics.shutdown.scrape-interval=20s", "--spring.lifecycle.timeout-per-shutdown-phase=60s");
		this.context.getBean(JobTracer.class).register("idle", null);
		CompletableFuture<Void> closed = CompletableFuture.runAsync(this.context::close);
		closed.get(10, java.util.concurrent.TimeUnit.SECONDS);
		assertThat(output).doesNotContain("Graceful shutdown: final scrape window");
	}

	@Test
	void waitsOneScrapeIntervalAfterARunThatEndedJustBeforeTheClose(CapturedOutput output) throws Exception {
		start("--job-metrics.shutdown.scrape-interval=" + SCRAPE_INTERVAL, "--spring.lifecycle.timeout-per-shutdown-phase=30s");
		this.context.getBean(JobTracer.class).trace("quick", null, () -> {
		});
		URI scrape = scrapeUri();
		CompletableFuture<Void> closed = CompletableFuture.runAsync(this.context::close);
		awaitHoldingBack(output);
		assertThat(scrape(scrape))
			.contains("job_executions_total{job_name=\"quick\",queue=\"none\",result=\"success\"} 1.0");
		closed.get();
		assertThat(output).contains("Graceful shutdown: final scrape window passed");
	}

	// Logged when the listener containers and other sources of work have stopped and the web server would stop next.
	private static void awaitHoldingBack(CapturedOutput output) {
		await("the shutdown to reach the final scrape").until(() -> output.getOut()
			.contains("Graceful shutdown: keeping the web server up"));
	}

	private void start(String... arguments) {
		String[] all = new String[arguments.length + 3];
		all[0] = "--server.port=0";
		all[1] = "--server.address=127.0.0.1";
		all[2] = "--management.endpoints.web.exposure.include=prometheus";
		System.arraycopy(arguments, 0, all, 3, arguments.length);
		this.context = new SpringApplicationBuilder(TestApplication.class).web(WebApplicationType.SERVLET)
			.run(all);
	}

	private URI scrapeUri() {
		int port = ((WebServerApplicationContext) this.context).getWebServer().getPort();
		return URI.create("http://127.0.0.1:" + port + "/actuator/prometheus");
	}

	private String scrape(URI uri) throws IOException, InterruptedException {
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as("status of a scrape").isEqualTo(200);
		return response.body();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class TestApplication {

	}

}
