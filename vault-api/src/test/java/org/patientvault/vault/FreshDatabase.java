package org.patientvault.vault;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * Gives each Spring test context its own empty database on the machine's PostgreSQL
 * ({@code VAULT_TEST_PG_URL}, default {@code jdbc:postgresql://127.0.0.1:5432/}, user {@code VAULT_TEST_PG_USER}
 * or postgres, trust auth). CI drops leftovers named {@code vault_it_*} before a run.
 */
public class FreshDatabase implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    static final String SERVER = envOr("VAULT_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/");
    static final String USER = envOr("VAULT_TEST_PG_USER", "postgres");

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        String name = create();
        context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("fresh-database",
                // Several test contexts stay cached side by side; small pools keep them under PostgreSQL's limit.
                Map.of("vault.db.url", SERVER + name, "vault.db.username", USER, "vault.db.password", "",
                        "vault.db.max-pool-size", "8")));
    }

    /** Creates an empty database and returns its name. */
    public static String create() {
        String name = "vault_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(SERVER + "postgres", USER, "");
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("Integration tests need PostgreSQL at " + SERVER
                    + " (trust auth for " + USER + "); start it or set VAULT_TEST_PG_URL", e);
        }
        return name;
    }

    private static String envOr(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
