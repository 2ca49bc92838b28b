package io.github.jobmetrics.otlp;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

import com.sun.net.httpserver.HttpServer;
import io.github.jobmetrics.JobRun;
import io.github.jobmetrics.micrometer.MicrometerJobTracer;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.registry.otlp.AggregationTemporality;
import io.micrometer.registry.otlp.OtlpMeterRegistry;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Worked seconds pushed with Micrometer's OTLP registry to an HTTP receiver that decodes the OTLP protobuf payloads,
 * as a collector would: they are computed when the registry reads them, so each push counts the runs in flight up
 * to that instant, and nothing twice. Publishing is driven by hand on a {@link MockClock}, one step at a time.
 */
class OtlpPushTests {

	private static final Duration STEP = Duration.ofMinutes(1);

	private static final double S = STEP.toSeconds();

	private final MockClock clock = new MockClock();

	private final BlockingQueue<ExportMetricsServiceRequest> received = new LinkedBlockingQueue<>();

	private HttpServer receiver;

	@BeforeEach
	void startReceiver() throws IOException {
		this.receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.receiver.createContext("/v1/metrics", (exchange) -> {
			try (InputStream body = "gzip".equals(exchange.getRequestHeaders().getFirst("Content-Encoding"))
					? new GZIPInputStream(exchange.getRequestBody()) : exchange.getRequestBody()) {
				this.received.add(ExportMetricsServiceRequest.parseFrom(body));
			}
			exchange.sendResponseHeaders(200, -1);
			exchange.close();
		});
		this.receiver.start();
	}

	@AfterEach
	void stopReceiver() {
		this.receiver.stop(0);
	}

	@ParameterizedTest
	@EnumSource(AggregationTemporality.class)
	void pushedWorkedSecondsGrowByTheStepWhileARunIsInFlightAndCountEveryRunOnce(AggregationTemporality temporality)
			throws InterruptedException {
		ManualOtlpMeterRegistry registry = new ManualOtlpMeterRegistry(Map.of("otlp.url",
				"http://127.0.0.1:" + this.receiver.getAddress().getPort() + "/v1/metrics", "otlp.step", "1m",
				"otlp.aggregationTemporality", temporality.name(), "otlp.enabled", "false"), this.clock);
		MicrometerJobTracer tracer = new MicrometerJobTracer(registry);
		// Start on a step boundary, so that each push covers one whole step.
		this.clock.add(STEP.toMillis() - this.clock.wallTime() % STEP.toMillis(), TimeUnit.MILLISECONDS);
		JobRun longRun = tracer.start("long-export");
		advance(0.25);
		JobRun first = tracer.start("short-sync");
		List<double[]> pushes = new ArrayList<>();
		advance(0.75);
		pushes.add(publish(registry));
		advance(0.5);
		first.close(); // 1.25 steps, across the first push
		advance(0.25);
		JobRun second = tracer.start("short-sync");
		advance(0.05);
		second.close(); // 0.05 steps, between two pushes
		advance(0.2);
		pushes.add(publish(registry));
		advance(1);
		pushes.add(publish(registry));
		advance(1);
		pushes.add(publish(registry));
		longRun.close();

		// { long-export worked, short-sync worked, short-sync successes } at each push
		double[][] expected = (temporality == AggregationTemporality.CUMULATIVE)
				? new double[][] { { S, 0.75 * S, 0 }, { 2 * S, 1.3 * S, 2 }, { 3 * S, 1.3 * S, 2 }, { 4 * S, 1.3 * S, 2 } }
				: new double[][] { { S, 0.75 * S, 0 }, { S, 0.55 * S, 2 }, { S, 0, 0 }, { S, 0, 0 } };
		for (int i = 0; i < expected.length; i++) {
			for (int j = 0; j < 3; j++) {
				assertThat(pushes.get(i)[j]).as("push %d, value %d, %s", i + 1, j, temporality)
					.isCloseTo(expected[i][j], within(1e-9));
			}
		}
		double shortTotal = 0;
		for (double[] push : pushes) {
			shortTotal = (temporality == AggregationTemporality.DELTA) ? shortTotal + push[1] : push[1];
		}
		assertThat(shortTotal).as("the two short runs' whole durations, once").isCloseTo(1.3 * S, within(1e-9));
	}

	private void advance(double steps) {
		this.clock.add(Math.round(steps * STEP.toNanos()), TimeUnit.NANOSECONDS);
	}

	private double[] publish(ManualOtlpMeterRegistry registry) throws InterruptedException {
		registry.publishNow();
		ExportMetricsServiceRequest request = this.received.poll(10, TimeUnit.SECONDS);
		assertThat(request).as("a push reached the receiver").isNotNull();
		List<Metric> metrics = request.getResourceMetrics(0).getScopeMetrics(0).getMetricsList();
		return new double[] { sum(metrics, "job.worked", "long-export"), sum(metrics, "job.worked", "short-sync"),
				sum(metrics, "job.executions", "short-sync", "result", "success") };
	}

	private static double sum(List<Metric> metrics, String name, String job, String... moreAttributes) {
		Metric metric = metrics.stream()
			.filter((candidate) -> candidate.getName().equals(name))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no " + name + " pushed"));
		assertThat(metric.hasSum()).as("%s is an OTLP sum", name).isTrue();
		assertThat(metric.getSum().getIsMonotonic()).as("%s is monotonic", name).isTrue();
		return metric.getSum()
			.getDataPointsList()
			.stream()
			.filter((point) -> attribute(point, "job.name").equals(job)
					&& (moreAttributes.length == 0 || attribute(point, moreAttributes[0]).equals(moreAttributes[1])))
			.mapToDouble(NumberDataPoint::getAsDouble)
			.sum();
	}

	private static String attribute(NumberDataPoint point, String key) {
		return point.getAttributesList()
			.stream()
			.filter((attribute) -> attribute.getKey().equals(key))
			.map(KeyValue::getValue)
			.map((value) -> value.getStringValue())
			.findFirst()
			.orElse("");
	}

	/**
	 * The OTLP registry with its publishing thread off ({@code otlp.enabled=false}), published by the test.
	 */
	static class ManualOtlpMeterRegistry extends OtlpMeterRegistry {

		ManualOtlpMeterRegistry(Map<String, String> config, MockClock clock) {
			super(config::get, clock);
		}

		void publishNow() {
			publish();
		}

	}

}
