package org.patientvault.bench.plainhapi;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.elasticsearch.ElasticsearchRestClientAutoConfiguration;
import org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration;
import org.springframework.boot.autoconfigure.orm.jpa.HibernateJpaAutoConfiguration;
import org.springframework.boot.autoconfigure.quartz.QuartzAutoConfiguration;

/**
 * The ingest benchmark's baseline: a plain HAPI JPA R4 server with HAPI's default settings. Port and database come
 * from {@code PLAIN_HAPI_PORT} and {@code PLAIN_HAPI_DB_URL} (or {@code --server.port=} /
 * {@code --spring.datasource.url=}). HAPI builds its own entity manager, so Boot's JPA autoconfiguration is off, as
 * in the vault.
 */
@SpringBootApplication(exclude = {
        ElasticsearchRestClientAutoConfiguration.class,
        QuartzAutoConfiguration.class,
        FlywayAutoConfiguration.class,
        HibernateJpaAutoConfiguration.class})
public class PlainHapiApplication {

    public static void main(String[] args) {
        SpringApplication.run(PlainHapiApplication.class, args);
    }
}
