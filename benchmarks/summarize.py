#!/usr/bin/env python3
"""Turns JMH JSON results of the job-metrics benchmarks into a Markdown report.

The report has one row per benchmark, thread count and parameters (time and allocation per operation),
then the limits of the issues whose cases the run has (24 and 4 for the full run; 20 for the default-path run;
13 for the bare tracer's cases), where the default path is the tracer as a Spring Boot application with Actuator
and Prometheus builds it, then ratios reported without a limit (the tracing path), each computed from the results
of the same run and judged with its error bars:
PASS when the whole range the errors allow is within the limit, FAIL when none of it is, UNDECIDED when the
range straddles the limit (the run cannot tell). Nothing is hard-coded but the limits themselves.

With --previous, the limits of the run before (its JSON results) stand beside each limit of this one.

Usage: summarize.py [--title TEXT] [--note TEXT]... [--smoke] [--previous RESULT.json]... [--previous-note TEXT]
                    OUTPUT.md RESULT.json...
"""

import argparse
import json
import math
import statistics

PACKAGE = "io.github.jobmetrics.benchmarks."

# The order the issue lists the cases in, which reads better than JMH's alphabetical one.
ORDER = [
    "PerRunOverheadBenchmark.baseline",
    "PerRunOverheadBenchmark.rawMicrometer",
    "PerRunOverheadBenchmark.jobTracer",
    "PerRunOverheadBenchmark.springAopFloor",
    "PerRunOverheadBenchmark.timedAspect",
    "PerRunOverheadBenchmark.tracedJobProxy",
    "ScrapeBenchmark.emptyRegistry",
    "ScrapeBenchmark.withJobMeters",
    "ScrapeBenchmark.sameSeriesPlainMicrometer",
    "InFlightStartStopBenchmark.startStop",
    "DefaultPathBenchmark.bareJobTracer",
    "DefaultPathBenchmark.stripedJobTracer",
    "DefaultPathBenchmark.stripedJobTracerOfItsOwn",
    "DefaultPathBenchmark.defaultPathJobTracer",
    "DefaultPathBenchmark.defaultPathTracedJobProxy",
    "DefaultPathBenchmark.defaultPathObserved",
    "DefaultPathBenchmark.tracingPathJobTracer",
    "DefaultPathBenchmark.tracingPathTracedJobProxy",
    "DefaultPathBenchmark.tracingPathObserved",
]

TO_NANOS = {"ns/op": 1, "us/op": 1e3, "ms/op": 1e6, "s/op": 1e9}


class Result:

    def __init__(self, entry):
        self.name = entry["benchmark"].removeprefix(PACKAGE)
        self.threads = entry["threads"]
        self.params = entry.get("params", {})
        primary = entry["primaryMetric"]
        factor = TO_NANOS[primary["scoreUnit"]]
        self.nanos = number(primary["score"]) * factor
        self.error = number(primary["scoreError"]) * factor
        # One mean per fork: with several threads on one job, whole forks can run in a fast or a slow mode
        # (where the threads and the cache lines they share happen to land), which the error alone hides.
        self.forks = [sum(map(number, fork)) / len(fork) * factor for fork in primary.get("rawData", []) if fork]
        alloc = entry.get("secondaryMetrics", {}).get("gc.alloc.rate.norm")
        self.bytes = number(alloc["score"]) if alloc else math.nan

    def sort_key(self):
        rank = ORDER.index(self.name) if self.name in ORDER else len(ORDER)
        # More buckets first, so that the 20-bucket row of each case leads.
        params = tuple(sorted((k, -int(v) if k == "buckets" else int(v) if v.isdigit() else v)
                              for k, v in self.params.items()))
        return (rank, self.name, params, self.threads)


def number(value):
    # JMH writes NaN (the error of a single iteration) as a string.
    return float(value) if value not in (None, "NaN") else math.nan


def fmt_nanos(value):
    if math.isnan(value):
        return "n/a"
    return f"{value:,.1f}" if value < 1000 else f"{value:,.0f}"


def fmt_bytes(value):
    return "n/a" if math.isnan(value) else f"{value:,.0f}" if value >= 10 else f"{value:.1f}"


def ratio(num, den):
    """A ratio and the range its 99.9% confidence intervals allow (NaN when unknown)."""
    value = num.nanos / den.nanos
    if math.isnan(num.error) or math.isnan(den.error):
        return value, math.nan, math.nan
    low_den = den.nanos - den.error
    # A denominator whose error reaches zero bounds the ratio from below only.
    high = (num.nanos + num.error) / low_den if low_den > 0 else math.inf
    return value, max(0.0, num.nanos - num.error) / (den.nanos + den.error), high


def markdown_row(*cells):
    return "| " + " | ".join(cells) + " |"


def fmt_range(low, high):
    """The range of a ratio, as ratio() gives it."""
    return "n/a" if math.isnan(low) else f"{low:.2f}–{high:.2f}" if high < math.inf else f"{low:.2f}–∞"


def verdict(value, low, high, limit, undecided="limit within error"):
    """PASS or FAIL only when the whole range the errors allow is on one side of the limit; otherwise UNDECIDED,
    with the reason given."""
    if math.isnan(value):
        return "NOT RUN"
    if math.isnan(low):
        return ("PASS" if value <= limit else "FAIL") + " (no error bars)"
    if high <= limit:
        return "PASS"
    if low > limit:
        return "FAIL"
    return f"UNDECIDED ({undecided})"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--title", default="job-metrics benchmarks")
    parser.add_argument("--note", action="append", default=[])
    parser.add_argument("--smoke", action="store_true", help="show the ratios but judge none of them")
    parser.add_argument("--previous", action="append", default=[], metavar="RESULT.json",
                        help="a result of the run before, whose limits are shown beside this run's")
    parser.add_argument("--previous-note", default="", help="what the run before was (when, on what load)")
    parser.add_argument("output")
    parser.add_argument("results", nargs="+")
    args = parser.parse_args()

    results, jvm = load(args.results)
    table, limits, reported = sections(results, args.smoke)
    lines = [f"# {args.title}", ""]
    lines += [f"- {note}" for note in args.note]
    lines += [f"- JVM: {jvm}", "- Error: JMH's 99.9% confidence interval; B/op: `gc.alloc.rate.norm`.", ""]
    lines += table
    lines += ["", "## Limits", ""]
    if args.previous:
        # The same limits from the run before: a verdict counts when a second run gives it again.
        _, earlier, _ = sections(load(args.previous)[0], args.smoke)
        by_row = {cells[:2]: cells[2:] for cells in earlier}
        lines += [f"The run before, in the last column: {args.previous_note or 'the results given with --previous'}.",
                  "", "| Limit | Threads | Measured | Range from errors | Limit | Result | The run before |",
                  "|---|---:|---:|---:|---:|---|---|"]
        for cells in limits:
            before = by_row.get(cells[:2])
            # The measured value, the range (where there is one) and the verdict of the run before.
            shown = "not run" if before is None else " ".join(
                cell for cell in (before[0], f"({before[1]})" if before[1] != "-" else "", before[3])
                if cell not in ("", "-"))
            lines.append(markdown_row(*cells, shown))
    else:
        lines += ["| Limit | Threads | Measured | Range from errors | Limit | Result |", "|---|---:|---:|---:|---:|---|"]
        lines += [markdown_row(*cells) for cells in limits]
    lines += reported
    lines += ["", "Ratios divide the two cases' mean times from the same run; the range divides the ends of their "
              "99.9 % error intervals (the low end by the high end and back). PASS and FAIL need the whole range "
              "on one side of the limit; UNDECIDED means the run cannot tell, and a quieter machine or more "
              "forks are needed: the reason gives each side's error as a share of its mean."]
    with open(args.output, "w", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")
    print("\n".join(lines))


def load(paths):
    """The results of all files; a case measured in several files (rounds of one fork each) becomes one result."""
    cases, jvm = {}, None
    for path in paths:
        with open(path, encoding="utf-8") as file:
            for entry in json.load(file):
                key = (entry["benchmark"], entry["threads"], json.dumps(entry.get("params", {}), sort_keys=True))
                cases.setdefault(key, []).append(entry)
                jvm = jvm or f'{entry.get("vmName", "")} {entry.get("vmVersion", "")}'.strip()
    results = [Result(entries[0] if len(entries) == 1 else merged(entries)) for entries in cases.values()]
    results.sort(key=Result.sort_key)
    return results, jvm


def merged(entries):
    """One JMH entry from rounds of the same case, its score and error computed as JMH computes them over forks:
    the mean of every iteration and Student's t at 99.9 % times their standard error."""
    forks = [fork for entry in entries for fork in entry["primaryMetric"]["rawData"]]
    values = [number(value) for fork in forks for value in fork]
    n = len(values)
    error = t_quantile(n - 1) * statistics.stdev(values) / math.sqrt(n) if n > 1 else math.nan
    primary = dict(entries[0]["primaryMetric"], score=statistics.fmean(values), scoreError=error, rawData=forks)
    secondary = {}
    allocations = [(e["secondaryMetrics"]["gc.alloc.rate.norm"], len(e["primaryMetric"]["rawData"]))
                   for e in entries if "gc.alloc.rate.norm" in e.get("secondaryMetrics", {})]
    if allocations:
        weighted = sum(number(alloc["score"]) * count for alloc, count in allocations)
        secondary["gc.alloc.rate.norm"] = {"score": weighted / sum(count for _, count in allocations)}
    return dict(entries[0], primaryMetric=primary, secondaryMetrics=secondary)


def t_quantile(degrees):
    """Student's t at 99.95 % (two-sided 99.9 %, as JMH uses) by the Cornish-Fisher expansion around the normal
    quantile: within 1e-6 of JMH's own error from 24 degrees of freedom up."""
    z, v = statistics.NormalDist().inv_cdf(0.9995), degrees
    return (z + (z ** 3 + z) / (4 * v) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * v ** 2)
            + (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / (384 * v ** 3)
            + (79 * z ** 9 + 776 * z ** 7 + 1482 * z ** 5 - 1920 * z ** 3 - 945 * z) / (92160 * v ** 4))


def sections(results, smoke):
    """The table of every result (lines), the rows of the Limits table (tuples of cells) and the section of ratios
    without a limit (lines)."""

    def find(name, threads=1, **params):
        for result in results:
            if result.name == name and result.threads == threads and all(
                    result.params.get(k) == v for k, v in params.items()):
                return result
        return None

    lines = ["| Benchmark | Threads | Params | ns/op ± error | Mean of each fork | B/op |",
              "|---|---:|---|---:|---|---:|"]
    for r in results:
        params = ", ".join(f"{k}={v}" for k, v in r.params.items()) or "-"
        forks = " / ".join(fmt_nanos(f) for f in r.forks) if len(r.forks) > 1 else "-"
        lines.append(markdown_row(r.name, str(r.threads), params, f"{fmt_nanos(r.nanos)} ± {fmt_nanos(r.error)}",
                                  forks, fmt_bytes(r.bytes)))

    table, lines = lines, []
    limits = []

    def row(*cells):
        # Cells, not a formatted line: main() matches a row with the run before's by its first two.
        limits.append(cells)

    def judged(result):
        # A smoke run has no warm-up: its ratios show that the report works, not how the code performs.
        return "not judged (smoke run)" if smoke and not result.startswith("NOT RUN") else result

    def limit_row(label, threads, num, den, limit):
        if num is None or den is None:
            row(label, str(threads), "n/a", "n/a", f"≤ {limit}x", "NOT RUN")
            return
        value, low, high = ratio(num, den)
        span = fmt_range(low, high)
        result = verdict(value, low, high, limit, f"limit within error: ±{num.error / num.nanos:.0%} of the "
                         f"numerator's mean, ±{den.error / den.nanos:.0%} of the denominator's")
        row(label, str(threads), f"{value:.2f}x", span, f"≤ {limit}x", judged(result))

    def bytes_row(label, threads, tracer):
        # Counted, not timed: a run's allocation has no error bars to judge.
        measured = tracer.bytes if tracer else math.nan
        result = "NOT RUN" if math.isnan(measured) else "PASS" if measured <= 64 else "FAIL"
        row(label, str(threads), f"{fmt_bytes(measured)} B", "-", "≤ 64 B", judged(result))

    per_run = "PerRunOverheadBenchmark."
    default_path = "DefaultPathBenchmark."

    # Issue 24: on the default path, cheaper than what a user would write with Micrometer, at every thread count.
    issue24_threads = sorted({r.threads for r in results if r.name == default_path + "defaultPathJobTracer"
                              and find(per_run + "rawMicrometer", r.threads, buckets="20")})
    for t in issue24_threads:
        limit_row("Default path: `JobTracer` start/close / raw `Timer.record` + `Counter.increment` with the same 20 "
                  "buckets (issue 24)", t, find(default_path + "defaultPathJobTracer", t),
                  find(per_run + "rawMicrometer", t, buckets="20"), 1.0)
    for t in issue24_threads:
        limit_row("Default path: `@TracedJob` proxy / plain `@Timed` `TimedAspect` proxy (issue 24)", t,
                  find(default_path + "defaultPathTracedJobProxy", t), find(per_run + "timedAspect", t, buckets="0"),
                  0.5)
    for t in issue24_threads:
        # Both proxies pay Spring AOP's own call first; what each adds above it is what its instrumentation costs.
        floor = find(per_run + "springAopFloor", t)
        proxy, timed = find(default_path + "defaultPathTracedJobProxy", t), find(per_run + "timedAspect", t, buckets="0")
        if floor and proxy and timed:
            above = (proxy.nanos - floor.nanos) / (timed.nanos - floor.nanos)
            # The floor goes in the range's cell, not the label: the label names the row in both runs.
            row("Reported beside it: what `@TracedJob` adds above a proxy that only proceeds / what `@Timed` adds "
                "above it", str(t), f"{above:.2f}x", f"floor {fmt_nanos(floor.nanos)} ns", "-", "-")
        if proxy and timed:
            row("Reported beside it: bytes allocated per call, `@TracedJob` proxy / plain `@Timed`", str(t),
                f"{proxy.bytes / timed.bytes:.2f}x", f"{fmt_bytes(proxy.bytes)} / {fmt_bytes(timed.bytes)} B", "-", "-")
        shared, own = find(default_path + "stripedJobTracer", t), find(default_path + "stripedJobTracerOfItsOwn", t)
        if shared and own:
            # What the threads' sharing of one job costs, apart from what the machine does at that many threads.
            value, low, high = ratio(shared, own)
            row("Reported beside it: the tracer without a context, all threads on one job / each thread with a "
                "tracer of its own", str(t), f"{value:.2f}x", fmt_range(low, high), "-", "-")
    for t in issue24_threads:
        bytes_row("Default path: `JobTracer` bytes allocated per run (issue 24)", t,
                  find(default_path + "defaultPathJobTracer", t))

    # Issue 13's cases are the bare tracer's; the full run now measures the default path instead (issue 24).
    thread_counts = sorted({r.threads for r in results if r.name == per_run + "jobTracer"})
    for t in thread_counts:
        limit_row("`JobTracer` start/close (20 buckets) / raw `Timer.record` + `Counter.increment` with the same 20 "
                  "buckets", t, find(per_run + "jobTracer", t, buckets="20"),
                  find(per_run + "rawMicrometer", t, buckets="20"), 1.3)
    for t in thread_counts:
        limit_row("`@TracedJob` proxy (20 buckets) / `@Timed` `TimedAspect` proxy with the same 20 buckets", t,
                  find(per_run + "tracedJobProxy", t, buckets="20"), find(per_run + "timedAspect", t, buckets="20"),
                  0.4)
    for t in thread_counts:
        limit_row("`@TracedJob` proxy (20 buckets) / plain `@Timed` `TimedAspect` proxy (no buckets)", t,
                  find(per_run + "tracedJobProxy", t, buckets="20"), find(per_run + "timedAspect", t, buckets="0"),
                  0.75)
    for t in thread_counts:
        bytes_row("`JobTracer` bytes allocated per run", t, find(per_run + "jobTracer", t, buckets="20"))

    # A run of the default path alone (run.sh --default-path) has none of the other limits' cases.
    only_default_path = all(r.name.startswith("DefaultPathBenchmark.") for r in results)
    empty = find("ScrapeBenchmark.emptyRegistry")
    scrape_rows = [r for r in results if r.name == "ScrapeBenchmark.withJobMeters" and r.threads == 1]
    control = find("ScrapeBenchmark.sameSeriesPlainMicrometer")
    if (control is None or not scrape_rows) and not only_default_path:
        row("Scrape of 100 jobs / the same series from plain Micrometer meters (issue 24)", "1", "n/a", "n/a",
            "≤ 1.1x", "NOT RUN")
    for r in sorted(scrape_rows, key=lambda r: int(r.params["inFlight"])) if control is not None else ():
        limit_row(f"Scrape of 100 jobs (20 buckets), {int(r.params['inFlight']):,} runs in flight, default path / the "
                  "same series from plain Micrometer meters (issue 24)", 1, r, control, 1.1)
    for r in sorted(scrape_rows, key=lambda r: int(r.params["inFlight"])) if control is not None else ():
        # The allocation of a scrape hardly varies from run to run, where its time does: a ratio this machine's
        # noise cannot blur.
        value = r.bytes / control.bytes
        row(f"Reported beside it: bytes allocated per scrape, {int(r.params['inFlight']):,} runs in flight / plain "
            "Micrometer", "1", f"{value:.2f}x", f"{fmt_bytes(r.bytes)} / {fmt_bytes(control.bytes)} B", "-", "-")
    # Issue 13's absolute limit, set on another machine: reported only for its own runs.
    for r in sorted(scrape_rows, key=lambda r: int(r.params["inFlight"])) if thread_counts else ():
        in_flight = int(r.params["inFlight"])
        added = (r.nanos - empty.nanos) / 1e6
        error = (r.error + empty.error) / 1e6
        span = "n/a" if math.isnan(error) else f"{added - error:.2f}–{added + error:.2f} ms"
        low, high = (math.nan, math.nan) if math.isnan(error) else (added - error, added + error)
        row(f"Scrape of 100 jobs (20 buckets), {in_flight:,} runs in flight, minus scrape of an empty registry", "1",
            f"{added:.2f} ms", span, "≤ 1.5 ms", judged(verdict(added, low, high, 1.5)))

    start_stop = "InFlightStartStopBenchmark.startStop"
    for other in () if only_default_path else ("same-job", "spread"):
        limit_row(f"Start/stop with 10,000 runs in flight ({other}) / with none (issue 4)", 1,
                  find(start_stop, otherRuns=other), find(start_stop, otherRuns="none"), 1.2)

    # Issue 20: what every Actuator application gets must cost what the bare tracer costs.
    default_threads = sorted({r.threads for r in results if r.name.startswith(default_path)})
    for t in default_threads if find(default_path + "bareJobTracer") else ():
        limit_row("Default path (Spring Boot with Actuator and Prometheus, no tracing bridge): `JobTracer` / the "
                  "bare `MicrometerJobTracer` (issue 20)", t, find(default_path + "defaultPathJobTracer", t),
                  find(default_path + "bareJobTracer", t), 1.3)
    for t in default_threads if not issue24_threads else ():
        bytes_row("Default path: `JobTracer` bytes allocated per run (issue 20)", t,
                  find(default_path + "defaultPathJobTracer", t))

    # Reported, not judged: with a tracing bridge a run is also a span, which costs what the bridge costs.
    reported = [
        ("Default path: `@TracedJob` proxy / plain `@Observed` (meters only)", "defaultPathTracedJobProxy",
         "defaultPathObserved"),
        ("Tracing path (OpenTelemetry bridge, every span sampled): `JobTracer` / the bare tracer",
         "tracingPathJobTracer", "bareJobTracer"),
        ("Tracing path: `JobTracer` / plain `@Observed` in the same context", "tracingPathJobTracer",
         "tracingPathObserved"),
        ("Tracing path: `@TracedJob` proxy / plain `@Observed` in the same context", "tracingPathTracedJobProxy",
         "tracingPathObserved"),
    ]
    if default_threads and find(default_path + "bareJobTracer"):
        lines += ["", "## Reported without a limit (issue 20)", "",
                  "| Ratio | Threads | Measured | Range from errors | B/op (numerator / denominator) |",
                  "|---|---:|---:|---:|---:|"]
        for label, num_name, den_name in reported:
            for t in default_threads:
                num, den = find(default_path + num_name, t), find(default_path + den_name, t)
                if num is None or den is None:
                    lines.append(markdown_row(label, str(t), "n/a", "n/a", "NOT RUN"))
                    continue
                value, low, high = ratio(num, den)
                lines.append(markdown_row(label, str(t), f"{value:.2f}x", fmt_range(low, high),
                                          f"{fmt_bytes(num.bytes)} / {fmt_bytes(den.bytes)}"))

    return table, limits, lines


if __name__ == "__main__":
    main()
