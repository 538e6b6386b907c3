package org.patientvault.vault.edge;

import org.patientvault.mobile.MobileApi;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** Mounts the patient API ({@code /mobile/v1}); its ports are implemented in this package. */
@Configuration(proxyBeanMethods = false)
@Import(MobileApi.class)
class MobileApiWiring {
}
