package io.github.jobmetrics.sample.experiment;

import java.util.List;
import java.util.Locale;

import io.github.jobmetrics.sample.experiment.PrometheusApi.Sample;

/**
 * How close a series of busy-worker rates stays to the truth: the share of points within a relative bound,
 * and the mean and largest absolute error in busy workers. A step at which Prometheus returned no point
 * counts as a point out of the bound: a gap is not agreement.
 *
 * @param points points expected (one per step of the measured period)
 * @param within points within the bound
 * @param meanError mean absolute error in busy workers, over the points returned
 * @param maxError largest absolute error in busy workers
 * @param tolerance the relative bound, 0.02 for ±2%
 */
record SeriesAccuracy(int points, int within, double meanError, double maxError, double tolerance) {

	static SeriesAccuracy of(List<Sample> series, int points, double truth, double tolerance) {
		int within = 0;
		double sum = 0;
		double max = 0;
		for (Sample sample : series) {
			double error = Math.abs(sample.value() - truth);
			if (Double.isNaN(error)) {
				error = Double.POSITIVE_INFINITY;
			}
			if (error <= tolerance * truth) {
				within++;
			}
			sum += error;
			max = Math.max(max, error);
		}
		return new SeriesAccuracy(points, within, series.isEmpty() ? Double.NaN : sum / series.size(), max,
				tolerance);
	}

	double withinShare() {
		return (double) this.within / this.points;
	}

	@Override
	public String toString() {
		return String.format(Locale.ROOT,
				"%d/%d points within ±%.0f%% (%.1f%%), mean error %.3f, max error %.3f busy workers",
				this.within, this.points, this.tolerance * 100, withinShare() * 100, this.meanError, this.maxError);
	}

}
