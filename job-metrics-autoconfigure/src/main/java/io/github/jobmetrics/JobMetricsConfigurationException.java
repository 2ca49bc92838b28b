package io.github.jobmetrics;

/**
 * Thrown at start-up when a {@code job-metrics.*} property or a {@link TracedJob @TracedJob} annotation is
 * invalid. It names what is at fault, the problem and the fix; Spring Boot reports it through a failure
 * analyzer.
 *
 * @since 0.3.0
 */
public class JobMetricsConfigurationException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * The property key or annotated method at fault.
	 */
	private final String subject;

	/**
	 * What is wrong with it.
	 */
	private final String problem;

	/**
	 * How to fix it.
	 */
	private final String action;

	/**
	 * Creates an exception.
	 * @param subject the property key or annotated method at fault
	 * @param problem what is wrong with it
	 * @param action how to fix it
	 */
	public JobMetricsConfigurationException(String subject, String problem, String action) {
		super(subject + " " + problem + ". " + action);
		this.subject = subject;
		this.problem = problem;
		this.action = action;
	}

	/**
	 * Returns the property key or annotated method at fault.
	 * @return the subject
	 */
	public String getSubject() {
		return this.subject;
	}

	/**
	 * Returns what is wrong.
	 * @return the problem
	 */
	public String getProblem() {
		return this.problem;
	}

	/**
	 * Returns how to fix it.
	 * @return the action
	 */
	public String getAction() {
		return this.action;
	}

}
