package io.github.jobmetrics.shutdown;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.OperationType;
import org.springframework.boot.actuate.endpoint.invoke.OperationInvoker;
import org.springframework.boot.actuate.endpoint.invoke.OperationInvokerAdvisor;
import org.springframework.boot.actuate.endpoint.invoke.OperationParameters;
import org.springframework.core.Ordered;

/**
 * Sees every read of the {@code prometheus} endpoint, and tells the {@link FinalScrapeLifecycle} which scraper
 * read it and when, so that a graceful stop ends as soon as every scraper has read the final values.
 * <p>
 * Actuator applies invoker advisors where it discovers endpoints, in the application's context, so the reads of
 * a management server on a port of its own are seen too. Ordered first, so that it wraps the operation itself:
 * a response Actuator serves from its cache has not read the meters and is not counted. A scraper is told apart
 * by the remote address and the {@code User-Agent} of its request (on Spring MVC, where the request is bound to
 * the thread); where no request is at hand (WebFlux), all reads count as one scraper's.
 *
 * @since 0.3.0
 */
public final class PrometheusScrapeAdvisor implements OperationInvokerAdvisor, Ordered {

	private static final Log logger = LogFactory.getLog(PrometheusScrapeAdvisor.class);

	private static final EndpointId PROMETHEUS = EndpointId.of("prometheus");

	private final Scrapers scrapers;

	/**
	 * Creates an advisor that reports the reads of the {@code prometheus} endpoint to the given lifecycle.
	 * @param lifecycle the graceful stop that waits for them
	 */
	public PrometheusScrapeAdvisor(FinalScrapeLifecycle lifecycle) {
		this.scrapers = lifecycle.scrapers();
	}

	@Override
	public OperationInvoker apply(EndpointId endpointId, OperationType operationType, OperationParameters parameters,
			OperationInvoker invoker) {
		if (!PROMETHEUS.equals(endpointId) || operationType != OperationType.READ) {
			return invoker;
		}
		return (context) -> {
			String scraper = started();
			long start = System.nanoTime();
			Object result = invoker.invoke(context);
			completed(scraper, start);
			return result;
		};
	}

	// Never in the scrape's way: a failure to record it is logged, the scrape goes on.
	private String started() {
		try {
			String scraper = ScraperIdentity.current();
			this.scrapers.started(scraper, System.nanoTime());
			return scraper;
		}
		catch (RuntimeException ex) {
			logger.debug("Could not record a scrape", ex);
			return ScraperIdentity.ANONYMOUS;
		}
	}

	private void completed(String scraper, long start) {
		try {
			this.scrapers.completed(scraper, start);
		}
		catch (RuntimeException ex) {
			logger.debug("Could not record a scrape", ex);
		}
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
