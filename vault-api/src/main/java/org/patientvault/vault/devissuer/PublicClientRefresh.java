package org.patientvault.vault.devissuer;

import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import java.util.Base64;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.crypto.keygen.Base64StringKeyGenerator;
import org.springframework.security.crypto.keygen.StringKeyGenerator;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenGenerator;

/**
 * Refresh tokens for the public browser and app clients, as Keycloak issues them. Spring Authorization Server 1.5
 * issues none to public clients and lets them authenticate only with a PKCE code exchange; these three pieces close
 * that gap for clients the realm registers with the refresh-token grant: a refresh-token generator without the
 * public-client exclusion, and client authentication by {@code client_id} alone, for {@code grant_type=refresh_token}
 * only. Refresh tokens are rotated (each is single-use; see the client's token settings) and live in memory.
 */
final class PublicClientRefresh {

    private PublicClientRefresh() {
    }

    /** Opaque refresh tokens for every client registered with the refresh-token grant. */
    static final class Tokens implements OAuth2TokenGenerator<OAuth2RefreshToken> {

        private final StringKeyGenerator keys = new Base64StringKeyGenerator(Base64.getUrlEncoder().withoutPadding(),
                96);

        @Override
        public OAuth2RefreshToken generate(OAuth2TokenContext context) {
            RegisteredClient client = context.getRegisteredClient();
            if (!OAuth2TokenType.REFRESH_TOKEN.equals(context.getTokenType())
                    || !client.getAuthorizationGrantTypes().contains(AuthorizationGrantType.REFRESH_TOKEN)) {
                return null;
            }
            Instant now = Instant.now();
            return new OAuth2RefreshToken(keys.generateKey(), now,
                    now.plus(client.getTokenSettings().getRefreshTokenTimeToLive()));
        }
    }

    /** Reads {@code client_id} of a refresh-token request that carries no client credentials. */
    static final class Converter implements org.springframework.security.web.authentication.AuthenticationConverter {

        @Override
        public Authentication convert(HttpServletRequest request) {
            if (!AuthorizationGrantType.REFRESH_TOKEN.getValue().equals(request.getParameter(
                    OAuth2ParameterNames.GRANT_TYPE))
                    || request.getHeader("Authorization") != null
                    || request.getParameter(OAuth2ParameterNames.CLIENT_SECRET) != null
                    || request.getParameter(OAuth2ParameterNames.CLIENT_ASSERTION) != null) {
                return null;
            }
            String[] ids = request.getParameterValues(OAuth2ParameterNames.CLIENT_ID);
            if (ids == null || ids.length != 1 || ids[0].isBlank()) {
                return null;
            }
            return new OAuth2ClientAuthenticationToken(ids[0], ClientAuthenticationMethod.NONE, null, java.util.Map.of());
        }
    }

    /** Accepts such a request only for a public client ({@code none}) that holds the refresh-token grant. */
    static final class Provider implements AuthenticationProvider {

        private final RegisteredClientRepository clients;

        Provider(RegisteredClientRepository clients) {
            this.clients = clients;
        }

        @Override
        public Authentication authenticate(Authentication authentication) {
            OAuth2ClientAuthenticationToken request = (OAuth2ClientAuthenticationToken) authentication;
            if (!ClientAuthenticationMethod.NONE.equals(request.getClientAuthenticationMethod())
                    || request.getAdditionalParameters().containsKey("code_verifier")) {
                return null;
            }
            RegisteredClient client = clients.findByClientId(String.valueOf(request.getPrincipal()));
            if (client == null
                    || !client.getClientAuthenticationMethods().contains(ClientAuthenticationMethod.NONE)
                    || !client.getAuthorizationGrantTypes().contains(AuthorizationGrantType.REFRESH_TOKEN)) {
                throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_CLIENT,
                        "Client authentication failed: " + OAuth2ParameterNames.CLIENT_ID, null));
            }
            return new OAuth2ClientAuthenticationToken(client, ClientAuthenticationMethod.NONE, null);
        }

        @Override
        public boolean supports(Class<?> authentication) {
            return OAuth2ClientAuthenticationToken.class.isAssignableFrom(authentication);
        }
    }

}
