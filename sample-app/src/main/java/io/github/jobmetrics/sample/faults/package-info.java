/**
 * Faults to switch on for demonstrations and end-to-end tests of the alerting rules: a job that always fails
 * ({@code sample.faults.failing=true}) and one whose run hangs ({@code sample.faults.hanging=true}). Both are
 * off by default.
 */
@NullMarked
package io.github.jobmetrics.sample.faults;

import org.jspecify.annotations.NullMarked;
