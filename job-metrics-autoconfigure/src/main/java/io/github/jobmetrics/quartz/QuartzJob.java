package io.github.jobmetrics.quartz;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;

/**
 * The job a Quartz {@code JobDetail} runs as, with its meters of schedule lag and misfires.
 *
 * @param name the job name given to the tracer: the {@code @TracedJob} name of its job class, else the JobKey's
 * name ({@code group.name} outside the {@code DEFAULT} group)
 * @param queue the queue given to the tracer, {@code null} for none
 * @param jobClass the class that declares how its executions are traced
 * @param lag the {@code job.schedule.lag} timer, under the label the caps admitted
 * @param misfires the {@code job.misfires} counter, under the label the caps admitted
 */
record QuartzJob(String name, @Nullable String queue, JobClass jobClass, Timer lag, Counter misfires) {

}
