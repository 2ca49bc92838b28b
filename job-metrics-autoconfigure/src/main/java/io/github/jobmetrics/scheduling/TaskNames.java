package io.github.jobmetrics.scheduling;

import java.lang.reflect.Method;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.scheduling.config.Task;
import org.springframework.scheduling.support.ScheduledMethodRunnable;
import org.springframework.util.ReflectionUtils;

/**
 * The name by which a task handed to the scheduler is matched to its {@code @Scheduled} method: what
 * {@code ScheduledMethodRunnable.toString()} returns (declaring class name, dot, method name), seen through the
 * private wrapper of Spring Framework's {@link Task}, whose {@code toString()} is the only window onto it. Spring
 * Boot's {@code scheduledtasks} endpoint names tasks the same way. Checked once against the Spring Framework on the
 * classpath (verified on 6.2 and 7.0, those of Spring Boot 3.5, 4.0 and 4.1), with one warning if it names them
 * otherwise.
 */
final class TaskNames {

	private static final Log logger = LogFactory.getLog(TaskNames.class);

	private static final AtomicBoolean warned = new AtomicBoolean();

	private TaskNames() {
	}

	static String of(Method method) {
		return method.getDeclaringClass().getName() + "." + method.getName();
	}

	/**
	 * Whether this Spring Framework's scheduler wrapper names a scheduled method as {@link #of(Method)} does; if
	 * not, one warning names the consequence.
	 */
	static boolean matchSpringFramework() {
		return match((runnable) -> new Task(runnable).getRunnable());
	}

	// The wrapper as a parameter: a test hands in one of another Framework version.
	static boolean match(UnaryOperator<Runnable> schedulerWrapper) {
		Method probe = ReflectionUtils.findMethod(Probe.class, "run");
		String name;
		try {
			name = String.valueOf(schedulerWrapper.apply(new ScheduledMethodRunnable(new Probe(), probe)));
		}
		catch (RuntimeException | LinkageError ex) {
			name = ex.toString();
		}
		if (name.equals(of(probe))) {
			return true;
		}
		if (warned.compareAndSet(false, true)) {
			logger.warn("job-metrics cannot match scheduled tasks to their @Scheduled methods on this Spring "
					+ "Framework version (" + version() + "): it names the task of " + of(probe) + " '" + name
					+ "'. Schedule lag is not recorded, and zero-code tracing of @Scheduled methods does not apply "
					+ "(@TracedJob methods are still traced). Please report it to job-metrics with the Spring "
					+ "Framework version.");
		}
		return false;
	}

	private static String version() {
		String version = Task.class.getPackage().getImplementationVersion();
		return (version != null) ? version : "unknown version";
	}

	static final class Probe {

		public void run() {
		}

	}

}
