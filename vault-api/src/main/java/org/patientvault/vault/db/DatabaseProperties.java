package org.patientvault.vault.db;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code vault.db.*}: the PostgreSQL the vault stores FHIR resources in.
 *
 * @param url      JDBC URL ({@code VAULT_DB_URL}); empty = embedded PostgreSQL under {@code $VAULT_DATA_DIR/pg}
 * @param username user ({@code VAULT_DB_USERNAME}), default {@code postgres}
 * @param password password ({@code VAULT_DB_PASSWORD}), default empty; never logged
 * @param maxPoolSize connection pool size, default 20
 */
@ConfigurationProperties("vault.db")
public record DatabaseProperties(String url, String username, String password, Integer maxPoolSize) {

    public DatabaseProperties {
        username = username == null || username.isBlank() ? "postgres" : username;
        password = password == null ? "" : password;
        maxPoolSize = maxPoolSize == null ? 20 : maxPoolSize;
    }

    boolean external() {
        return url != null && !url.isBlank();
    }
}
