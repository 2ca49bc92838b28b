package io.github.jobmetrics.sample;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The worker pool of the sample: how many workers and how long their jobs take.
 *
 * @param workers number of workers, each always busy with a job
 * @param minDuration shortest job
 * @param maxDuration longest job; durations are half-normally distributed between the two
 * @param seed seed of the random durations, for repeatable experiments
 */
@ConfigurationProperties("sample")
public record WorkerProperties(int workers, Duration minDuration, Duration maxDuration, long seed) {
}
