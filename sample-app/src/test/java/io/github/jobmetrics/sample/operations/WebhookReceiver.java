package io.github.jobmetrics.sample.operations;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The receiver at the end of the alerting chain: an HTTP server in the test that keeps every alert Alertmanager
 * posts to it (Alertmanager's webhook format: {@code {"alerts": [{"status", "labels", "annotations"}, ...]}}).
 */
final class WebhookReceiver implements AutoCloseable {

	private static final JsonMapper json = JsonMapper.builder().build();

	private final HttpServer server;

	private final List<JsonNode> alerts = new CopyOnWriteArrayList<>();

	WebhookReceiver() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		this.server.createContext("/alerts", (exchange) -> {
			try (InputStream body = exchange.getRequestBody()) {
				json.readTree(body).path("alerts").forEach(this.alerts::add);
			}
			exchange.sendResponseHeaders(200, -1);
			exchange.close();
		});
		this.server.start();
	}

	URI uri() {
		return URI.create("http://127.0.0.1:" + this.server.getAddress().getPort() + "/alerts");
	}

	List<JsonNode> alerts() {
		return List.copyOf(this.alerts);
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

}
