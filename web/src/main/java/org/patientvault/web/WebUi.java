package org.patientvault.web;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;

/**
 * The browser UI's one public face for the application that mounts it: import this configuration (vault-api does,
 * in its {@code edge} package, beside the implementations of {@link org.patientvault.web.port}). It scans this
 * module's security chain, pages and helpers; every page lives under {@link #BASE}.
 */
@Configuration(proxyBeanMethods = false)
@ComponentScan(basePackageClasses = WebUi.class)
@EnableConfigurationProperties(WebProperties.class)
public class WebUi {

    /** Every page of the browser UI starts with this. */
    public static final String BASE = "/app";
}
