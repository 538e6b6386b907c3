package org.patientvault.vault.ingest;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class IngestConfig {

    /** Used until a security layer supplies the authenticated organization. */
    @Bean
    @ConditionalOnMissingBean
    SubmitterResolver unattributedSubmitter() {
        return request -> Submitter.UNATTRIBUTED;
    }
}
