package org.patientvault.vault.caller;

import java.util.Optional;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.stereotype.Component;

/**
 * A bearer token verified and mapped exactly as the resource server does for a request (the same {@link JwtDecoder}
 * with its issuer, audience and expiry checks, the same {@link VaultAuthenticationConverter}), for callers whose token
 * did not arrive in an {@code Authorization} header: the browser UI keeps its users' tokens in the server session.
 * Cost: one signature check (keys cached) and the account directory's cached lookup.
 */
@Component
public final class BearerTokens {

    private final JwtDecoder decoder;
    private final VaultAuthenticationConverter converter;

    BearerTokens(JwtDecoder decoder, VaultAuthenticationConverter converter) {
        this.decoder = decoder;
        this.converter = converter;
    }

    /** The authentication the API would build for this token; empty when the API would refuse it (401). */
    public Optional<Authentication> authenticate(String token) {
        if (token == null || token.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(converter.convert(decoder.decode(token)));
        } catch (JwtException | AuthenticationException refused) {
            return Optional.empty();
        }
    }
}
