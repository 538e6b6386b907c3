package org.patientvault.vault.edge;

import org.patientvault.web.WebUi;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** Mounts the browser UI ({@code /app}); its ports are implemented in this package. */
@Configuration(proxyBeanMethods = false)
@Import(WebUi.class)
class WebUiWiring {
}
