package io.github.jobmetrics.sample.experiment;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.imageio.ImageIO;

import io.github.jobmetrics.sample.experiment.PrometheusApi.Sample;
import org.knowm.xchart.AnnotationTextPanel;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Runs the experiment of the time-of-measurement bias article (the sample app scraped by Prometheus in a
 * container, as in the integration tests) and draws what Prometheus shows of the workers: the completion-time
 * rate against the worked-seconds rate, with the number of workers as the truth. Run it through
 * {@code scripts/bias-experiment.sh}, which builds the app, provides the container runtime and documents the
 * parameters.
 * <p>
 * Arguments are {@code name=value} pairs: {@code workers}, {@code min-duration}, {@code max-duration},
 * {@code scrape-interval}, {@code window}, {@code run-length} (durations like {@code 100ms}, {@code 10s},
 * {@code 10m}) and {@code output} (the PNG to write). Defaults are those of the CI experiment, with 90 s of
 * run.
 *
 * @since 0.1.0
 */
public final class BiasExperiment {

	private static final int WIDTH = 1400;

	private static final int HEIGHT = 760;

	private BiasExperiment() {
	}

	/**
	 * Runs the experiment, prints its figures and writes the chart.
	 * @param args {@code name=value} parameters, see the class description
	 * @throws Exception if the experiment cannot run
	 */
	public static void main(String[] args) throws Exception {
		System.setProperty("java.awt.headless", "true");
		Map<String, String> parameters = parameters(args);
		ExperimentSettings ci = ExperimentSettings.ci(Duration.ofSeconds(90));
		ExperimentSettings settings = new ExperimentSettings(
				Integer.parseInt(parameters.getOrDefault("workers", String.valueOf(ci.workers()))),
				duration(parameters.get("min-duration"), ci.minDuration()),
				duration(parameters.get("max-duration"), ci.maxDuration()),
				duration(parameters.get("scrape-interval"), ci.scrapeInterval()),
				duration(parameters.get("window"), ci.window()),
				duration(parameters.get("run-length"), ci.runLength()));
		Path output = Path.of(parameters.getOrDefault("output", "bias-experiment.png")).toAbsolutePath();
		System.out.println("Running the bias experiment: " + settings.describe() + ", "
				+ settings.runLength().toSeconds() + " s measured after the warm-up");
		int appPort = FreePorts.next();
		BiasExperimentRun run;
		try (PrometheusContainer prometheus = new PrometheusContainer(appPort, settings.scrapeInterval())) {
			prometheus.start();
			try (SampleAppProcess app = SampleAppProcess.start("bias-experiment", appPort, settings.appArguments())) {
				run = BiasExperimentRun.measure(settings, prometheus.api());
			}
		}
		System.out.println(run.report());
		draw(run, output);
		System.out.println("Chart written to " + output);
	}

	static void draw(BiasExperimentRun run, Path output) throws IOException {
		ExperimentSettings settings = run.settings();
		XYChart chart = new XYChartBuilder().width(WIDTH)
			.height(HEIGHT)
			.title("Time-of-measurement bias: " + settings.workers() + " always-busy workers as Prometheus sees them")
			.xAxisTitle("Time since the start of the measured period (s)")
			.yAxisTitle("Busy workers (worked seconds per second)")
			.build();
		chart.getStyler().setLegendPosition(LegendPosition.OutsideS);
		chart.getStyler().setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 20));
		chart.getStyler().setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 15));
		chart.getStyler().setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
		chart.getStyler().setAnnotationTextPanelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
		chart.getStyler().setChartBackgroundColor(Color.WHITE);
		chart.getStyler().setPlotGridLinesColor(new Color(225, 225, 225));
		chart.getStyler().setYAxisMin(0.0);
		chart.getStyler().setXAxisTickMarkSpacingHint(90);
		double highest = run.completed().stream().mapToDouble(Sample::value).filter(Double::isFinite).max().orElse(0);
		// Head room above the lines for the panel of parameters and figures.
		chart.getStyler().setYAxisMax(Math.ceil(Math.max(highest, settings.workers()) * 1.45));
		String window = settings.window().toSeconds() + "s";
		series(chart,
				"Completion-time view: sum(rate(job_duration_seconds_sum[" + window + "])), a run counts when it ends",
				run.completed(), run.start(), new Color(214, 39, 40), 2f);
		series(chart, "Worked seconds (the tracer): sum(rate(job_worked_seconds_total[" + window + "]))", run.worked(),
				run.start(), new Color(31, 119, 180), 3f);
		XYSeries truth = chart.addSeries("Truth: " + settings.workers() + " workers, never idle",
				new double[] { 0, run.end() - run.start() }, new double[] { settings.workers(), settings.workers() });
		truth.setMarker(SeriesMarkers.NONE);
		truth.setLineColor(Color.DARK_GRAY);
		truth.setLineStyle(
				new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] { 8, 6 }, 0));
		// Screen coordinates count from the bottom left: this puts the panel in the head room at the top left.
		chart.addAnnotation(new AnnotationTextPanel(caption(run), 95, HEIGHT - 150, true));
		Files.createDirectories(output.getParent());
		ImageIO.write(BitmapEncoder.getBufferedImage(chart), "png", output.toFile());
	}

	private static void series(XYChart chart, String name, List<Sample> samples, double start, Color color,
			float width) {
		double[] x = samples.stream().mapToDouble((sample) -> sample.time() - start).toArray();
		double[] y = samples.stream().mapToDouble(Sample::value).toArray();
		XYSeries series = chart.addSeries(name, x, y);
		series.setMarker(SeriesMarkers.NONE);
		series.setLineColor(color);
		series.setLineStyle(new BasicStroke(width));
	}

	private static String caption(BiasExperimentRun run) {
		ExperimentSettings settings = run.settings();
		SeriesAccuracy worked = run.workedAccuracy(0.02);
		SeriesAccuracy completed = run.completedAccuracy(0.02);
		return String.join("\n",
				String.format(Locale.ROOT, "%s; Prometheus, one point per second from %s", settings.describe(),
						Instant.ofEpochSecond((long) run.start())),
				String.format(Locale.ROOT,
						"Worked seconds: %.1f%% of points within ±2%%, mean error %.3f, max %.3f busy workers",
						worked.withinShare() * 100, worked.meanError(), worked.maxError()),
				String.format(Locale.ROOT,
						"Completion time: %.1f%% of points within ±2%% (%.1f%% within ±5%%), mean error %.2f, "
								+ "max %.2f busy workers",
						completed.withinShare() * 100, run.completedAccuracy(0.05).withinShare() * 100,
						completed.meanError(), completed.maxError()));
	}

	private static Map<String, String> parameters(String[] args) {
		Map<String, String> parameters = new LinkedHashMap<>();
		for (String arg : args) {
			int equals = arg.indexOf('=');
			if (equals <= 0) {
				throw new IllegalArgumentException("Expected name=value, got '" + arg + "'");
			}
			parameters.put(arg.substring(0, equals), arg.substring(equals + 1));
		}
		return parameters;
	}

	// 100ms, 10s, 10m, or ISO-8601 (PT10S)
	private static Duration duration(String value, Duration defaultValue) {
		if (value == null || value.isBlank()) {
			return defaultValue;
		}
		String text = value.trim().toLowerCase(Locale.ROOT);
		if (text.startsWith("pt")) {
			return Duration.parse(text);
		}
		if (text.endsWith("ms")) {
			return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
		}
		long amount = Long.parseLong(text.substring(0, text.length() - 1));
		return switch (text.charAt(text.length() - 1)) {
			case 's' -> Duration.ofSeconds(amount);
			case 'm' -> Duration.ofMinutes(amount);
			case 'h' -> Duration.ofHours(amount);
			default ->
				throw new IllegalArgumentException("Expected a duration like 100ms, 10s or 10m, got '" + value + "'");
		};
	}

}
