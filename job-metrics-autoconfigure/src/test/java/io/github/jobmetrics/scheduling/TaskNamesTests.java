package io.github.jobmetrics.scheduling;

import java.lang.reflect.Method;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.scheduling.config.Task;
import org.springframework.scheduling.support.ScheduledMethodRunnable;
import org.springframework.util.ReflectionUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The task names read from {@code toString()}, on the Spring Framework of the classpath: shared by every Boot line
 * (the main build runs it on Framework 7.0 of Boot 4.1, {@code compat/boot-4.0} on that of 4.0, {@code compat/boot-3.5}
 * on 6.2).
 */
@ExtendWith(OutputCaptureExtension.class)
class TaskNamesTests {

	@Test
	void theSchedulersWrapperOfAScheduledMethodIsNamedAfterItsClassAndMethod(CapturedOutput output) {
		Method method = ReflectionUtils.findMethod(Reports.class, "publish");
		Runnable wrapped = new Task(new ScheduledMethodRunnable(new Reports(), method)).getRunnable();
		assertThat(wrapped).isNotInstanceOf(ScheduledMethodRunnable.class);
		assertThat(wrapped.toString()).isEqualTo(TaskNames.of(method))
			.isEqualTo(Reports.class.getName() + ".publish");
		assertThat(TaskNames.matchSpringFramework()).isTrue();
		assertThat(output).doesNotContain("job-metrics cannot match scheduled tasks");
	}

	@Test
	void warnsOnceWhereAFrameworkVersionNamesTasksOtherwise(CapturedOutput output) {
		// A stand-in for a Framework version whose wrapper does not delegate toString().
		assertThat(TaskNames.match((runnable) -> () -> runnable.run())).isFalse();
		assertThat(TaskNames.match((runnable) -> () -> runnable.run())).isFalse();
		assertThat(output).containsOnlyOnce("job-metrics cannot match scheduled tasks to their @Scheduled methods")
			.contains("Schedule lag is not recorded");
	}

	static class Reports {

		public void publish() {
		}

	}

}
