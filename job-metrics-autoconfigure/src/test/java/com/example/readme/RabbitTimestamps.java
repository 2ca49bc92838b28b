package com.example.readme;

import java.util.Date;

import org.springframework.boot.amqp.autoconfigure.RabbitTemplateCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The README's example of stamping every message that the application publishes to RabbitMQ, word for word
 * between the tags ({@link DocumentationTests} checks it); {@code RabbitTimestampsReadmeTests} runs it against a real
 * broker.
 */
@Configuration(proxyBeanMethods = false)
public class RabbitTimestamps {

	// tag::rabbit-timestamps[]
	@Bean
	RabbitTemplateCustomizer timestampEveryMessage() {
		return (template) -> template.addBeforePublishPostProcessors((message) -> {
			if (message.getMessageProperties().getTimestamp() == null) {
				message.getMessageProperties().setTimestamp(new Date());
			}
			return message;
		});
	}
	// end::rabbit-timestamps[]

}
