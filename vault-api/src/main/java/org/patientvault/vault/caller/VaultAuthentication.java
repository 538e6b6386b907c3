package org.patientvault.vault.caller;

import java.util.Collection;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.AbstractOAuth2TokenAuthenticationToken;

/** An authenticated request: the verified token and the {@link VaultPrincipal} made from it. */
final class VaultAuthentication extends AbstractOAuth2TokenAuthenticationToken<Jwt> {

    private final VaultPrincipal principal;

    VaultAuthentication(Jwt jwt, VaultPrincipal principal, Collection<? extends GrantedAuthority> authorities) {
        super(jwt, principal, jwt, authorities);
        this.principal = principal;
        setAuthenticated(true);
    }

    @Override
    public Object getPrincipal() {
        return principal;
    }

    @Override
    public java.util.Map<String, Object> getTokenAttributes() {
        return getToken().getClaims();
    }

    @Override
    public String getName() {
        return principal.subject();
    }
}
