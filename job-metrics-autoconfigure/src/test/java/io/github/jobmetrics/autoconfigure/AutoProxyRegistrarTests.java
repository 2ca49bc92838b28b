package io.github.jobmetrics.autoconfigure;

import io.github.jobmetrics.BootMetricsAutoConfigurations;
import io.github.jobmetrics.TracedJob;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link AutoProxyRegistrar}: a traced bean that implements an interface is proxied the way
 * {@code spring.aop.proxy-target-class} asks, with or without Spring Boot's {@link AopAutoConfiguration}.
 */
class AutoProxyRegistrarTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(BootMetricsAutoConfigurations.with(JobMetricsAutoConfiguration.class))
		.withBean(ReportExport.class);

	private final ApplicationContextRunner withBootAop = this.contextRunner
		.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class));

	@Test
	void proxiesTheClassWithoutBootsAopAutoConfiguration() {
		this.contextRunner.withBean(ReportExportCaller.class).run(this::assertThatClassProxyIsInjectedAndTraced);
	}

	@Test
	void proxiesTheClassWithBootsAopAutoConfiguration() {
		this.withBootAop.withBean(ReportExportCaller.class).run(this::assertThatClassProxyIsInjectedAndTraced);
	}

	@Test
	void proxiesTheClassWithBootsAopAutoConfigurationWithoutAspectJ() {
		this.withBootAop.withClassLoader(new FilteredClassLoader("org.aspectj"))
			.withBean(ReportExportCaller.class).run(this::assertThatClassProxyIsInjectedAndTraced);
	}

	@Test
	void proxiesTheClassWhenSpringAopAutoIsFalse() {
		this.withBootAop.withPropertyValues("spring.aop.auto=false").withBean(ReportExportCaller.class).run(this::assertThatClassProxyIsInjectedAndTraced);
	}

	@Test
	void proxiesTheClassWhenSpringAopAutoIsFalseAndProxyTargetClassIsTrue() {
		this.withBootAop.withPropertyValues("spring.aop.auto=false", "spring.aop.proxy-target-class=true")
			.withBean(ReportExportCaller.class).run(this::assertThatClassProxyIsInjectedAndTraced);
	}

	@Test
	void proxiesTheInterfaceWhenProxyTargetClassIsFalse() {
		this.contextRunner.withBean(ExportCaller.class)
			.withPropertyValues("spring.aop.proxy-target-class=false")
			.run(this::assertThatInterfaceProxyIsTraced);
	}

	@Test
	void proxiesTheInterfaceWhenProxyTargetClassIsFalseWithBootsAopAutoConfiguration() {
		this.withBootAop.withBean(ExportCaller.class)
			.withPropertyValues("spring.aop.proxy-target-class=false")
			.run(this::assertThatInterfaceProxyIsTraced);
	}

	@Test
	void proxiesTheInterfaceWhenSpringAopAutoAndProxyTargetClassAreFalse() {
		this.withBootAop.withBean(ExportCaller.class)
			.withPropertyValues("spring.aop.auto=false", "spring.aop.proxy-target-class=false")
			.run(this::assertThatInterfaceProxyIsTraced);
	}

	private void assertThatClassProxyIsInjectedAndTraced(AssertableApplicationContext context) {
		assertThat(context).hasNotFailed();
		ReportExport export = context.getBean(ReportExportCaller.class).export;
		assertThat(AopUtils.isCglibProxy(export)).isTrue();
		export.export();
		assertThatTraced(context);
	}

	private void assertThatInterfaceProxyIsTraced(AssertableApplicationContext context) {
		assertThat(context).hasNotFailed();
		Export export = context.getBean(ExportCaller.class).export;
		assertThat(AopUtils.isJdkDynamicProxy(export)).isTrue();
		export.export();
		assertThatTraced(context);
	}

	private static void assertThatTraced(AssertableApplicationContext context) {
		assertThat(context.getBean(MeterRegistry.class)
			.get("job.executions")
			.tags("job.name", "report-export", "result", "success")
			.functionCounter()
			.count()).isOne();
	}

	public interface Export {

		void export();

	}

	// Public: under a FilteredClassLoader, CGLIB defines the proxy in another runtime package.
	public static class ReportExport implements Export {

		@Override
		@TracedJob("report-export")
		public void export() {
		}

	}

	public static class ReportExportCaller {

		final ReportExport export;

		public ReportExportCaller(ReportExport export) {
			this.export = export;
		}

	}

	public static class ExportCaller {

		final Export export;

		public ExportCaller(Export export) {
			this.export = export;
		}

	}

}
