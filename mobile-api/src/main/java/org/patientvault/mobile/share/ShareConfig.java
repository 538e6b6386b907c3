package org.patientvault.mobile.share;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

/** Binds {@code vault.mobile.share.*}. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ShareProperties.class)
class ShareConfig {
}
