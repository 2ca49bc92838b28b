/**
 * Spring Batch: every job execution and step execution a run, zero-code, on Spring Batch 6 (Spring Boot 4) and 5
 * (Spring Boot 3.5).
 */
@NullMarked
package io.github.jobmetrics.batch;

import org.jspecify.annotations.NullMarked;
