package org.patientvault.vault.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.patientvault.vault.VaultProfile;
import org.patientvault.vault.VaultStartupReport;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The one DataSource: the configured PostgreSQL, or an embedded PostgreSQL 14 whose data directory lives under
 * {@code $VAULT_DATA_DIR/pg} and therefore survives restarts.
 */
@Configuration
class DataSourceConfig {

    @Bean(destroyMethod = "close")
    EmbeddedDatabase embeddedDatabase(DatabaseProperties props, Environment env,
                                      @Value("${vault.data-dir:./data}") Path dataDir) throws IOException {
        if (props.external()) {
            return EmbeddedDatabase.NONE;
        }
        VaultProfile.requireExternal(env, "VAULT_DB_URL", "PostgreSQL");
        Path pgDir = dataDir.resolve("pg").toAbsolutePath();
        Files.createDirectories(pgDir);
        // setCleanDataDirectory(false) keeps an initialised cluster between runs; initdb runs only on an empty dir.
        EmbeddedPostgres pg = EmbeddedPostgres.builder()
                .setDataDirectory(pgDir)
                .setCleanDataDirectory(false)
                .setPort(env.getProperty("vault.db.embedded-port", Integer.class, 0))
                .start();
        return new EmbeddedDatabase(pg, pgDir);
    }

    @Bean(destroyMethod = "close")
    DataSource dataSource(DatabaseProperties props, EmbeddedDatabase embedded, VaultStartupReport report) {
        HikariConfig cfg = new HikariConfig();
        cfg.setPoolName("vault-db");
        cfg.setMaximumPoolSize(props.maxPoolSize());
        // Hibernate already batches inserts (hibernate.jdbc.batch_size, order_inserts); pgjdbc otherwise still sends a
        // batch as one INSERT per row. Rewritten, a batch is one multi-row INSERT: fewer round trips per submission.
        // Update counts then read SUCCESS_NO_INFO, which Hibernate accepts and no vault code inspects.
        cfg.addDataSourceProperty("reWriteBatchedInserts", "true");
        if (props.external()) {
            cfg.setJdbcUrl(props.url());
            cfg.setUsername(props.username());
            cfg.setPassword(props.password());
            report.part("database", "external " + redact(props.url()));
        } else {
            cfg.setJdbcUrl(embedded.postgres().getJdbcUrl("postgres", "postgres"));
            cfg.setUsername("postgres");
            report.part("database", "embedded PostgreSQL at " + embedded.directory());
        }
        return new HikariDataSource(cfg);
    }

    /** Keeps host, port and database; drops any credentials a URL may carry. */
    static String redact(String jdbcUrl) {
        int q = jdbcUrl.indexOf('?');
        return q < 0 ? jdbcUrl : jdbcUrl.substring(0, q);
    }

    /** The embedded server's lifecycle, or {@link #NONE} when an external database is configured. */
    record EmbeddedDatabase(EmbeddedPostgres postgres, Path directory) implements AutoCloseable {
        static final EmbeddedDatabase NONE = new EmbeddedDatabase(null, null);

        @Override
        public void close() throws IOException {
            if (postgres != null) {
                postgres.close();
            }
        }
    }
}
