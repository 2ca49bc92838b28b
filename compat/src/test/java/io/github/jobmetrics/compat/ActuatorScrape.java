package io.github.jobmetrics.compat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /actuator/prometheus} of the application under test, read over HTTP as Prometheus reads it.
 */
final class ActuatorScrape {

	private static final HttpClient http = HttpClient.newHttpClient();

	private ActuatorScrape() {
	}

	static String of(int port) throws Exception {
		HttpResponse<String> response = http.send(
				HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/prometheus")).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		return response.body();
	}

}
