/**
 * Runs that a distributed lock skipped (ShedLock's {@code @SchedulerLock} and {@code LockingTaskExecutor}): an
 * instance that did not get the lock did no work, so its run counts nowhere.
 */
@NullMarked
package io.github.jobmetrics.locking;

import org.jspecify.annotations.NullMarked;
