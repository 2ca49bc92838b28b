package io.github.jobmetrics.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.Arrays;
import java.util.Locale;

import io.github.jobmetrics.JobTracer;
import io.github.jobmetrics.micrometer.JobMeterSettings;
import io.github.jobmetrics.micrometer.MicrometerJobTracer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * What a stream of dynamic job names costs, with the default caps and without them: series in the scrape,
 * scrape time, heap retained after GC, and bytes allocated per run for a known name and for a folded one. Not a
 * JMH benchmark, because retained heap is a state, not a rate: run it with {@code benchmarks/cardinality.sh},
 * which gives it a heap of its own.
 * <p>
 * Usage: {@code CardinalityMeasurement [names] [uncappedNames]}, by default 100,000 and 10,000 (the uncapped
 * run builds the meters of every name, about 4 KiB each).
 *
 * @since 0.2.0
 */
public final class CardinalityMeasurement {

	private CardinalityMeasurement() {
	}

	public static void main(String[] args) {
		int names = (args.length > 0) ? Integer.parseInt(args[0]) : 100_000;
		int uncappedNames = (args.length > 1) ? Integer.parseInt(args[1]) : 10_000;
		System.out.printf(Locale.ROOT, "JDK %s, max heap %d MiB%n%n", System.getProperty("java.version"),
				Runtime.getRuntime().maxMemory() >> 20);
		measure("default caps (200 job names)", JobMeterSettings.defaults(), names, 200);
		measure("no cap", JobMeterSettings.defaults().withMaxJobNames(Integer.MAX_VALUE), uncappedNames, 5);
		allocationPerRun();
	}

	private static void measure(String title, JobMeterSettings settings, int names, int scrapes) {
		long before = retainedHeap();
		PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
		MicrometerJobTracer tracer = new MicrometerJobTracer(registry, settings);
		long empty = retainedHeap();
		long start = System.nanoTime();
		for (int i = 0; i < names; i++) {
			tracer.start("dyn-" + i, null).close();
		}
		long runNanos = System.nanoTime() - start;
		long after = retainedHeap();
		String scrape = registry.scrape();
		long series = scrape.lines().filter((line) -> line.startsWith("job_")).count();
		long jobs = scrape.lines().filter((line) -> line.startsWith("job_worked_seconds_total{")).count();
		double[][] millis = scrapeMillis(registry, scrapes);
		long retained = after - empty;
		System.out.printf(Locale.ROOT, "%s, %,d dynamic job names%n", title, names);
		System.out.printf(Locale.ROOT, "  runs:              %,d in %.0f ms%n", names, runNanos / 1e6);
		System.out.printf(Locale.ROOT, "  job names reported %,d%n", jobs);
		System.out.printf(Locale.ROOT, "  job_* series       %,d (scrape %,d bytes)%n", series, scrape.length());
		System.out.printf(Locale.ROOT, "  scrape wall time   median %.2f ms, p90 %.2f ms, max %.2f ms (%d scrapes after "
				+ "as many to warm up)%n", millis[0][scrapes / 2], millis[0][scrapes * 9 / 10], millis[0][scrapes - 1],
				scrapes);
		System.out.printf(Locale.ROOT, "  scrape CPU time    median %.2f ms, p90 %.2f ms%n", millis[1][scrapes / 2],
				millis[1][scrapes * 9 / 10]);
		System.out.printf(Locale.ROOT, "  heap after GC      registry+tracer %,d KiB empty; +%,d KiB after the runs, "
				+ "%,d bytes per reported job%n%n", (empty - before) >> 10, retained >> 10, retained / jobs);
		registry.close();
	}

	// Wall time and this thread's CPU time of each scrape, sorted: on a shared machine the CPU time shows what a
	// scrape costs when other processes take the cores away.
	private static double[][] scrapeMillis(PrometheusMeterRegistry registry, int scrapes) {
		for (int i = 0; i < scrapes; i++) {
			registry.scrape();
		}
		java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		double[] wall = new double[scrapes];
		double[] cpu = new double[scrapes];
		for (int i = 0; i < scrapes; i++) {
			long startCpu = threads.getCurrentThreadCpuTime();
			long start = System.nanoTime();
			registry.scrape();
			wall[i] = (System.nanoTime() - start) / 1e6;
			cpu[i] = (threads.getCurrentThreadCpuTime() - startCpu) / 1e6;
		}
		Arrays.sort(wall);
		Arrays.sort(cpu);
		return new double[][] { wall, cpu };
	}

	// Bytes this thread allocates per run, for a name already known and for names folded into "other". Names are
	// built ahead, so that only the tracer's allocation is measured: its run handle, nothing else.
	private static void allocationPerRun() {
		PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
		JobTracer tracer = new MicrometerJobTracer(registry, JobMeterSettings.defaults().withMaxJobNames(1));
		tracer.register("known", null);
		String[] folded = new String[100_000];
		for (int i = 0; i < folded.length; i++) {
			folded[i] = "dyn-" + i;
			folded[i].hashCode();
		}
		for (int round = 0; round < 20; round++) {
			runs(tracer, folded, true);
			runs(tracer, folded, false);
		}
		long start = System.nanoTime();
		double knownBytes = runs(tracer, folded, true);
		long knownNanos = System.nanoTime() - start;
		start = System.nanoTime();
		double foldedBytes = runs(tracer, folded, false);
		long foldedNanos = System.nanoTime() - start;
		System.out.printf(Locale.ROOT, "per run (start and close, warmed up)%n  known name   %.1f bytes allocated, "
				+ "%.0f ns%n  folded name  %.1f bytes allocated, %.0f ns%n", knownBytes,
				knownNanos / (double) folded.length, foldedBytes, foldedNanos / (double) folded.length);
		registry.close();
	}

	@SuppressWarnings("restriction")
	private static double runs(JobTracer tracer, String[] folded, boolean known) {
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory
			.getThreadMXBean();
		long thread = Thread.currentThread().getId();
		long before = threads.getThreadAllocatedBytes(thread);
		for (String name : folded) {
			tracer.start(known ? "known" : name, null).close();
		}
		return (threads.getThreadAllocatedBytes(thread) - before) / (double) folded.length;
	}

	private static long retainedHeap() {
		long used = Long.MAX_VALUE;
		for (int i = 0; i < 5; i++) {
			System.gc();
			MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
			used = Math.min(used, heap.getUsed());
		}
		return used;
	}

}
