package org.patientvault.vault.devissuer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import org.junit.jupiter.api.Test;
import org.patientvault.vault.FreshDatabase;
import org.patientvault.vault.VaultApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** {@code VAULT_PROFILE=production} without {@code VAULT_OIDC_ISSUER} does not start, and says why. */
class DevIssuerProductionIT {

    @Test
    void productionRefusesTheDevelopmentIssuer() {
        String pg = System.getenv().getOrDefault("VAULT_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/");
        String user = System.getenv().getOrDefault("VAULT_TEST_PG_USER", "postgres");
        Throwable failure = catchThrowable(() -> {
            try (ConfigurableApplicationContext app = new SpringApplicationBuilder(VaultApplication.class).run(
                    "--server.port=0", "--vault.profile=production", "--vault.security.oidc-issuer=",
                    "--vault.db.url=" + (pg.isBlank() ? "jdbc:postgresql://127.0.0.1:5432/" : pg)
                            + FreshDatabase.create(),
                    "--vault.db.username=" + user, "--vault.data-dir=target/it-data-production")) {
                assertThat(app.isActive()).as("the application must not start").isFalse();
            }
        });
        assertThat(failure).as("start-up must fail").isNotNull();
        Throwable root = failure;
        StringBuilder messages = new StringBuilder();
        while (root != null) {
            messages.append(root.getMessage()).append('\n');
            root = root.getCause();
        }
        assertThat(messages.toString()).contains("VAULT_PROFILE=production refuses the embedded identity issuer")
                .contains("set VAULT_OIDC_ISSUER");
    }
}
