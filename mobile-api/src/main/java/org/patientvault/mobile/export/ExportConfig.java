package org.patientvault.mobile.export;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

/** Binds {@code vault.mobile.export.*} (here rather than in {@code MobileApi}, which every feature package uses). */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ExportProperties.class)
class ExportConfig {
}
