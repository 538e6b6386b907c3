package org.patientvault.vault.devissuer;

import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationException;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationValidator;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;

/**
 * Authorization requests' redirect URIs checked against the realm's patterns ({@link RealmRedirectUris}): Keycloak
 * allows {@code http://localhost:*}, which Spring Authorization Server cannot register (it wants exact URIs and
 * refuses {@code localhost}). A URI the realm allows is checked once more by SAS's own validator, against a copy of the
 * client that lists exactly that URI, so SAS's other checks (scope, PKCE, prompt, grant type) still run unchanged.
 * Any other URI is refused with {@code invalid_request}, which SAS answers with 400 and never redirects to.
 */
final class LoopbackRedirectValidator implements Consumer<OAuth2AuthorizationCodeRequestAuthenticationContext> {

    private final Map<String, RealmRedirectUris> redirects;
    private final OAuth2AuthorizationCodeRequestAuthenticationValidator sas =
            new OAuth2AuthorizationCodeRequestAuthenticationValidator();

    LoopbackRedirectValidator(DevRealm realm) {
        this.redirects = realm.clients().stream().filter(c -> c.publicClient() && c.standardFlow())
                .collect(Collectors.toMap(DevRealm.Client::clientId,
                        c -> new RealmRedirectUris(c.redirectUris(), c.clientId())));
    }

    @Override
    public void accept(OAuth2AuthorizationCodeRequestAuthenticationContext context) {
        OAuth2AuthorizationCodeRequestAuthenticationToken request = context.getAuthentication();
        RegisteredClient client = context.getRegisteredClient();
        String requested = request.getRedirectUri();
        RealmRedirectUris allowed = redirects.get(client.getClientId());
        if (allowed == null || !allowed.accepts(requested)) {
            OAuth2Error error = new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST,
                    "OAuth 2.0 Parameter: " + OAuth2ParameterNames.REDIRECT_URI
                            + " is not allowed for this client by the realm", null);
            // No redirect URI in the exception: the error must not be sent to an unregistered address.
            throw new OAuth2AuthorizationCodeRequestAuthenticationException(error, null);
        }
        RegisteredClient exact = RegisteredClient.from(client).redirectUris(u -> {
            u.clear();
            u.add(requested);
        }).build();
        OAuth2AuthorizationCodeRequestAuthenticationContext.Builder checked =
                OAuth2AuthorizationCodeRequestAuthenticationContext.with(request).registeredClient(exact);
        if (context.getAuthorizationRequest() != null) {
            checked.authorizationRequest(context.getAuthorizationRequest());
        }
        if (context.getAuthorizationConsent() != null) {
            checked.authorizationConsent(context.getAuthorizationConsent());
        }
        sas.accept(checked.build());
    }
}
