package org.patientvault.vault.caller;

import java.util.List;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;

/** The checks every accepted token passes, whoever issued it. */
public final class TokenValidation {

    private TokenValidation() {
    }

    /**
     * Expiry and not-before (with the configured skew), the vault audience, and the issuer when one is given.
     * Without the audience check a token the realm issued to any other client (admin-cli, say) would be accepted
     * (DESIGN §6).
     */
    public static OAuth2TokenValidator<Jwt> validator(SecurityProperties props, OAuth2TokenValidator<Jwt> issuer) {
        JwtTimestampValidator time = new JwtTimestampValidator(props.clockSkew());
        OAuth2TokenValidator<Jwt> audience = jwt -> {
            List<String> aud = jwt.getAudience();
            return aud != null && aud.contains(props.audience())
                    ? OAuth2TokenValidatorResult.success()
                    : OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token",
                    "The token is not issued for audience " + props.audience(), null));
        };
        return issuer == null ? new DelegatingOAuth2TokenValidator<>(time, audience)
                : new DelegatingOAuth2TokenValidator<>(time, issuer, audience);
    }
}
