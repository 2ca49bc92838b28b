package io.github.jobmetrics.autoconfigure;

import io.github.jobmetrics.JobTracer;
import io.github.jobmetrics.locking.SkippedRunsPostProcessor;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockProvider;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Role;

/**
 * Auto-configuration of runs that a ShedLock lock skipped: where ShedLock is on the classpath, each
 * {@link LockProvider} bean is decorated so that a lock it refuses marks the traced run on that thread as skipped,
 * which then counts nowhere (see {@link SkippedRunsPostProcessor}). ShedLock is not managed by Spring Boot: the
 * application brings its own version; job-metrics uses only {@code LockProvider.lock(LockConfiguration)}, which
 * every version since 4.0 has.
 *
 * @since 0.3.0
 */
@AutoConfiguration(after = JobMetricsAutoConfiguration.class)
@ConditionalOnClass({ LockProvider.class, LockConfiguration.class })
@ConditionalOnBean(JobTracer.class)
public final class JobMetricsLockingAutoConfiguration {

	// Static: a post-processor is instantiated before other beans, and needs none of them.
	@Bean
	@ConditionalOnMissingBean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static SkippedRunsPostProcessor jobMetricsSkippedRunsPostProcessor() {
		return new SkippedRunsPostProcessor();
	}

}
