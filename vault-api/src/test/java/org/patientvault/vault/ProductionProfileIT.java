package org.patientvault.vault;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;

/** {@code VAULT_PROFILE=production} refuses the embedded database and says which variable is missing. */
class ProductionProfileIT {

    @TempDir
    Path dataDir;

    @Test
    void productionWithoutADatabaseRefusesToStart() {
        assertThatThrownBy(() -> new SpringApplicationBuilder(VaultApplication.class).run(
                "--server.port=0", "--vault.profile=production", "--vault.db.url=",
                "--vault.data-dir=" + dataDir,
                "--vault.security.oidc-issuer=http://127.0.0.1:1/realms/vault"))
                .hasStackTraceContaining("VAULT_DB_URL");
    }
}
