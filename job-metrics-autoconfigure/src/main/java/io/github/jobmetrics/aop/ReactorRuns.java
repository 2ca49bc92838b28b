package io.github.jobmetrics.aop;

import java.util.function.Supplier;

import io.github.jobmetrics.JobRun;
import io.github.jobmetrics.internal.MeteringFailures;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;

import org.springframework.util.ClassUtils;

/**
 * Traces a {@link Mono} or {@link Flux} a job returns: a run starts at each subscription and ends at its terminal
 * signal, so a publisher subscribed twice is two runs and one never subscribed is none. Cancellation ends the run
 * as {@code cancelled}. Only loaded when Reactor is on the classpath.
 */
final class ReactorRuns {

	private static final boolean PRESENT = ClassUtils.isPresent("reactor.core.publisher.Flux",
			ReactorRuns.class.getClassLoader());

	private ReactorRuns() {
	}

	static boolean isReactive(Class<?> returnType) {
		return PRESENT && Holder.isReactive(returnType);
	}

	static Object trace(Object publisher, Supplier<JobRun> start, String jobName) {
		return Holder.trace(publisher, start, jobName);
	}

	// Reactor types are referenced only from here, so that the outer class loads without Reactor.
	private static final class Holder {

		static boolean isReactive(Class<?> returnType) {
			return Mono.class.isAssignableFrom(returnType) || Flux.class.isAssignableFrom(returnType);
		}

		static Object trace(Object publisher, Supplier<JobRun> start, String jobName) {
			if (publisher instanceof Mono<?> mono) {
				return Mono.defer(() -> {
					JobRun run = start.get();
					return mono.doOnError((failure) -> failed(run, failure, jobName))
						.doFinally((signal) -> end(run, signal, jobName));
				});
			}
			if (publisher instanceof Flux<?> flux) {
				return Flux.defer(() -> {
					JobRun run = start.get();
					return flux.doOnError((failure) -> failed(run, failure, jobName))
						.doFinally((signal) -> end(run, signal, jobName));
				});
			}
			return publisher;
		}

		private static void failed(JobRun run, Throwable failure, String jobName) {
			try {
				run.failed(failure);
			}
			catch (RuntimeException | LinkageError ex) {
				MeteringFailures.log("record the failure of a run of job '" + jobName + "'", ex);
			}
		}

		private static void end(JobRun run, SignalType signal, String jobName) {
			try {
				if (signal == SignalType.CANCEL) {
					run.cancelled();
				}
				run.close();
			}
			catch (RuntimeException | LinkageError ex) {
				MeteringFailures.log("end a run of job '" + jobName + "'", ex);
			}
		}

	}

}
