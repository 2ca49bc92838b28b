package io.github.jobmetrics.benchmarks;

import java.util.ArrayList;
import java.util.List;

import io.github.jobmetrics.JobRun;
import io.github.jobmetrics.JobTracer;

/**
 * A fleet of 100 jobs, the size of a busy worker service, and runs of them left in flight.
 */
final class Fleet {

	static final int JOBS = 100;

	private Fleet() {
	}

	static String jobName(int index) {
		return "job-" + index;
	}

	/**
	 * Registers every job of the fleet and finishes one run of each, so that all their meters hold data.
	 */
	static void register(JobTracer tracer) {
		for (int i = 0; i < JOBS; i++) {
			tracer.register(jobName(i), null);
			tracer.start(jobName(i), null).close();
		}
	}

	/**
	 * Starts runs and leaves them open, spread round-robin over the first {@code jobs} jobs of the fleet.
	 */
	static List<JobRun> startRuns(JobTracer tracer, int count, int jobs) {
		List<JobRun> runs = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			runs.add(tracer.start(jobName(i % jobs), null));
		}
		return runs;
	}

}
