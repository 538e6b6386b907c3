package org.patientvault.vault.edge;

import org.patientvault.vault.caller.BearerTokens;
import org.patientvault.vault.caller.VaultPrincipal;
import org.patientvault.web.port.SignedInCallers;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

/**
 * {@link SignedInCallers} by thread binding: the token is verified as a bearer token would be, and the resulting
 * authentication is the thread's security context inside the scope, so {@link VaultPrincipal#current()}, the
 * in-process {@code /fhir} dispatch and every port see the signed-in user as they see an API caller.
 */
@Component
class TokenSignedInCallers implements SignedInCallers {

    private final BearerTokens tokens;

    TokenSignedInCallers(BearerTokens tokens) {
        this.tokens = tokens;
    }

    @Override
    public Scope enter(String accessToken) {
        Authentication auth = tokens.authenticate(accessToken)
                .orElseThrow(() -> new RefusedToken("The sign-in is no longer valid"));
        VaultPrincipal principal = (VaultPrincipal) auth.getPrincipal();
        SecurityContext previous = SecurityContextHolder.getContext();
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(auth);
        SecurityContextHolder.setContext(context);
        Role role = switch (principal.kind()) {
            case PATIENT -> Role.PATIENT;
            case HOSPITAL -> Role.HOSPITAL;
            case AI_FIRM -> Role.AI_FIRM;
            case ADMIN -> Role.ADMIN;
        };
        return new Scope() {
            @Override
            public Role role() {
                return role;
            }

            @Override
            public String organization() {
                return principal.orgCode();
            }

            @Override
            public void close() {
                SecurityContextHolder.setContext(previous);
            }
        };
    }
}
