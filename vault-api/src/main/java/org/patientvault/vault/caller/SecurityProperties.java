package org.patientvault.vault.caller;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code vault.security.*}: who issues the tokens the vault accepts.
 *
 * @param oidcIssuer a Keycloak realm URL ({@code VAULT_OIDC_ISSUER}, e.g. {@code http://127.0.0.1:18080/realms/vault});
 *                   empty = the development issuer inside the app (refused when {@code VAULT_PROFILE=production})
 * @param audience   the audience every token must carry; default {@code vault-api}
 * @param clockSkew  tolerated clock difference when checking {@code exp}/{@code nbf}; default 30s
 */
@ConfigurationProperties("vault.security")
public record SecurityProperties(String oidcIssuer, String audience, Duration clockSkew) {

    public SecurityProperties {
        oidcIssuer = oidcIssuer == null ? "" : oidcIssuer.strip();
        audience = audience == null || audience.isBlank() ? "vault-api" : audience;
        clockSkew = clockSkew == null ? Duration.ofSeconds(30) : clockSkew;
    }

    public boolean externalIssuer() {
        return !oidcIssuer.isEmpty();
    }
}
