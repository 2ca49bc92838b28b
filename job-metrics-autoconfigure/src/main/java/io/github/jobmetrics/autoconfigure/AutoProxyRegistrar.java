package io.github.jobmetrics.autoconfigure;

import org.springframework.aop.config.AopConfigUtils;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;

/**
 * Makes sure an auto-proxy creator exists to apply the {@code @TracedJob} advisor, as
 * {@code @EnableTransactionManagement} does for transactions. Where Spring Boot or the application has
 * registered a stronger one (AspectJ-aware), that one is kept.
 * <p>
 * Follows {@code spring.aop.proxy-target-class} as Spring Boot's {@code AopAutoConfiguration} does (class
 * proxies unless it is {@code false}), also when {@code spring.aop.auto=false} leaves the proxy creator to
 * us: otherwise a traced bean that implements an interface would become a JDK proxy that cannot be
 * injected by its class.
 */
class AutoProxyRegistrar implements ImportBeanDefinitionRegistrar {

	private final Environment environment;

	AutoProxyRegistrar(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
		AopConfigUtils.registerAutoProxyCreatorIfNecessary(registry);
		// Never forces JDK proxies: proxyTargetClass=true set by the application or another registrar stays.
		if (Binder.get(this.environment).bind("spring.aop.proxy-target-class", Boolean.class).orElse(true)) {
			AopConfigUtils.forceAutoProxyCreatorToUseClassProxying(registry);
		}
	}

}
