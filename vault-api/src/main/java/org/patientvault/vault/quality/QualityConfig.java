package org.patientvault.vault.quality;

import org.patientvault.mapping.quality.QualityScorer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The one shared scorer: it parses its tables once and is thread-safe, so every submission uses the same. */
@Configuration(proxyBeanMethods = false)
class QualityConfig {

    @Bean
    QualityScorer qualityScorer() {
        return QualityScorer.withDefaults();
    }
}
