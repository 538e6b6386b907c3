package org.patientvault.mobile;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * The patient API alone, on the fake ports and in-memory stores (no vault, no security: the vault's wall is tested in vault-api). The
 * domain libraries bring JDBC and JPA onto the classpath; nothing here uses them.
 */
@Configuration(proxyBeanMethods = false)
@EnableAutoConfiguration(exclude = {
        org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration.class,
        org.springframework.boot.autoconfigure.orm.jpa.HibernateJpaAutoConfiguration.class,
        org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration.class,
        org.springframework.boot.autoconfigure.quartz.QuartzAutoConfiguration.class,
        org.springframework.boot.autoconfigure.elasticsearch.ElasticsearchRestClientAutoConfiguration.class})
@Import(MobileApi.class)
public class MobileTestApp {

    @Bean
    FakeVault fakeVault() {
        return new FakeVault();
    }

    @Bean
    MemoryStores.Jobs exportJobStore() {
        return new MemoryStores.Jobs();
    }

    @Bean
    MemoryStores.Links shareLinkStore() {
        return new MemoryStores.Links();
    }
}
