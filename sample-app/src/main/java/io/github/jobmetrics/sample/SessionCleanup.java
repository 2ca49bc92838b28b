package io.github.jobmetrics.sample;

import java.util.concurrent.ThreadLocalRandom;

import javax.sql.DataSource;

import io.github.jobmetrics.TracedJob;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.provider.jdbctemplate.JdbcTemplateLockProvider;
import net.javacrumbs.shedlock.spring.annotation.EnableSchedulerLock;
import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * A job that one instance of a fleet runs at a time: ShedLock guards it with its JDBC provider (on the embedded H2
 * database here; a shared database in a fleet). On an instance refused the lock, a tick is no run: it counts no
 * success and adds no worked time, so that {@code max by (job_name)} of the last success over the fleet tells
 * whether any instance ran it.
 */
@Component
class SessionCleanup {

	@Scheduled(fixedDelayString = "${sample.cleanup-interval:5s}")
	@SchedulerLock(name = "session-cleanup", lockAtMostFor = "PT1M")
	@TracedJob(name = "session-cleanup")
	public void cleanUp() throws InterruptedException {
		Thread.sleep(ThreadLocalRandom.current().nextLong(50, 300));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableSchedulerLock(defaultLockAtMostFor = "PT1M")
	static class Locks {

		// The table comes from schema.sql, which Spring Boot runs on the embedded database.
		@Bean
		LockProvider lockProvider(DataSource dataSource) {
			return new JdbcTemplateLockProvider(JdbcTemplateLockProvider.Configuration.builder()
				.withJdbcTemplate(new JdbcTemplate(dataSource))
				.usingDbTime()
				.build());
		}

	}

}
