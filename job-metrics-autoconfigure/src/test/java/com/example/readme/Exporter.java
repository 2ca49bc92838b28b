package com.example.readme;

import io.github.jobmetrics.TracedJob;

/**
 * A job named by default ({@code Exporter.run}), which the README's configuration example sets up by name.
 */
@TracedJob
class Exporter {

	public void run() {
	}

}
