package org.patientvault.mobile;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.PropertySource;

/**
 * The patient API's one public face for the application that mounts it: import this configuration (vault-api does, in
 * its {@code edge} package, beside the implementations of {@link org.patientvault.mobile.port}). It scans this module's
 * controllers and services and sets springdoc's defaults (spec at {@code /mobile/v1/openapi.json}, UI at
 * {@code /mobile/v1/swagger-ui.html}, only this module's routes).
 */
@Configuration(proxyBeanMethods = false)
@ComponentScan(basePackageClasses = MobileApi.class)
@EnableConfigurationProperties(MobileProperties.class)
@PropertySource("classpath:mobile/springdoc.properties")
public class MobileApi {

    /** Every route of the patient API starts with this. */
    public static final String BASE = "/mobile/v1";
}
