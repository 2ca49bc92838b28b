package io.github.jobmetrics.sample.experiment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A client of the few endpoints of Prometheus's HTTP API the experiment needs: {@code /api/v1/query} and
 * {@code /api/v1/query_range}. Every query is expected to return at most one series (a {@code sum(...)},
 * or a selector that matches one series); more is a mistake in the query and fails loudly.
 */
final class PrometheusApi {

	private static final JsonMapper json = JsonMapper.builder().build();

	private final URI baseUri;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	PrometheusApi(URI baseUri) {
		this.baseUri = baseUri;
	}

	/**
	 * Evaluates an expression every {@code step} from {@code start} to {@code end} (Unix seconds). Steps at
	 * which the expression has no value are absent from the result.
	 */
	List<Sample> queryRange(String query, double start, double end, Duration step) {
		return samples(get("/api/v1/query_range", "query=" + encode(query) + "&start=" + seconds(start) + "&end="
				+ seconds(end) + "&step=" + seconds(step.toMillis() / 1e3)), query);
	}

	/**
	 * The raw samples, with the timestamps of their scrapes, that a selector holds over {@code range} up to
	 * {@code time}. Stale markers (written when a target stops answering) are not samples and are not returned.
	 */
	List<Sample> rawSamples(String selector, Duration range, double time) {
		return query(selector + "[" + range.toSeconds() + "s]", time);
	}

	/**
	 * The value of an instant expression at {@code time}, or {@code NaN} if it has none.
	 */
	double value(String query, double time) {
		List<Sample> samples = query(query, time);
		return samples.isEmpty() ? Double.NaN : samples.get(0).value();
	}

	private List<Sample> query(String query, double time) {
		return samples(get("/api/v1/query", "query=" + encode(query) + "&time=" + seconds(time)), query);
	}

	private JsonNode get(String path, String parameters) {
		HttpRequest request = HttpRequest.newBuilder(this.baseUri.resolve(path + "?" + parameters))
			.timeout(Duration.ofSeconds(10))
			.build();
		try {
			HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() != 200) {
				throw new IllegalStateException("Prometheus answered " + response.statusCode() + " to "
						+ request.uri() + ": " + response.body());
			}
			return json.readTree(response.body()).path("data");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Prometheus did not answer " + request.uri(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while querying " + request.uri(), ex);
		}
	}

	// A vector holds "value": [t, "v"] per series, a matrix "values": [[t, "v"], ...].
	private static List<Sample> samples(JsonNode data, String query) {
		JsonNode result = data.path("result");
		if (result.size() > 1) {
			throw new IllegalStateException("Expected at most one series from " + query + ", got " + result);
		}
		List<Sample> samples = new ArrayList<>();
		for (JsonNode series : result) {
			if (series.has("value")) {
				samples.add(sample(series.get("value")));
			}
			for (JsonNode pair : series.path("values")) {
				samples.add(sample(pair));
			}
		}
		return samples;
	}

	// Values are strings so that NaN and +Inf survive JSON; parseDouble reads both.
	private static Sample sample(JsonNode pair) {
		return new Sample(pair.get(0).asDouble(), Double.parseDouble(pair.get(1).asString()));
	}

	private static String encode(String query) {
		return URLEncoder.encode(query, StandardCharsets.UTF_8);
	}

	private static String seconds(double seconds) {
		return String.format(Locale.ROOT, "%.3f", seconds);
	}

	/**
	 * One value of a series at a Unix time in seconds (with milliseconds, as Prometheus stores it).
	 */
	record Sample(double time, double value) {
	}

}
