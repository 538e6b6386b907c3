package org.patientvault.web;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * {@code vault.web.*}: the browser UI.
 *
 * @param oidcIssuer     the OpenID provider users sign in with (a Keycloak realm URL); blank means the vault's own
 *                       development issuer at {@code http://localhost:<port>} (embedded mode). Default: the API's
 *                       issuer ({@code VAULT_OIDC_ISSUER})
 * @param clientId       the public OAuth client of the UI (authorization code + PKCE); default {@code vault-web}
 * @param maxUpload      largest file a hospital may upload through the console (a bundle, a CSV or a zipped
 *                       study); default 64MB, and never more than the API itself accepts
 * @param sessionTimeout idle time after which the user must sign in again; default 30m
 */
@ConfigurationProperties("vault.web")
public record WebProperties(String oidcIssuer, String clientId, DataSize maxUpload, Duration sessionTimeout) {

    public WebProperties {
        oidcIssuer = oidcIssuer == null ? "" : oidcIssuer.trim().replaceAll("/+$", "");
        clientId = clientId == null || clientId.isBlank() ? "vault-web" : clientId;
        maxUpload = maxUpload == null ? DataSize.ofMegabytes(64) : maxUpload;
        sessionTimeout = sessionTimeout == null ? Duration.ofMinutes(30) : sessionTimeout;
        if (maxUpload.toBytes() < 1024 || sessionTimeout.toSeconds() < 60) {
            throw new IllegalArgumentException("vault.web: need max-upload >= 1KB and session-timeout >= 1m");
        }
    }
}
