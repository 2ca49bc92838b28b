package io.github.jobmetrics.shutdown;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.util.ClassUtils;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Who is scraping: the remote address and the {@code User-Agent} of the current servlet request, which tells the
 * two Prometheus servers of an HA pair apart (they run on hosts, or in pods, of their own). Without a servlet
 * request bound to the thread (WebFlux, or no Spring MVC), every scrape is the one anonymous scraper's.
 */
final class ScraperIdentity {

	static final String ANONYMOUS = "(no request)";

	private static final boolean SERVLET = ClassUtils.isPresent("jakarta.servlet.http.HttpServletRequest",
			ScraperIdentity.class.getClassLoader())
			&& ClassUtils.isPresent("org.springframework.web.context.request.ServletRequestAttributes",
					ScraperIdentity.class.getClassLoader());

	private ScraperIdentity() {
	}

	static String current() {
		return SERVLET ? Servlet.current() : ANONYMOUS;
	}

	// Loaded only when the servlet API and Spring Web are present.
	private static final class Servlet {

		static String current() {
			RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
			if (!(attributes instanceof ServletRequestAttributes servlet)) {
				return ANONYMOUS;
			}
			HttpServletRequest request = servlet.getRequest();
			String userAgent = request.getHeader("User-Agent");
			return request.getRemoteAddr() + " " + ((userAgent != null) ? userAgent : "-");
		}

	}

}
