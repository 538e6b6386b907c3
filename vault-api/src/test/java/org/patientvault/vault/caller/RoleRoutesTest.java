package org.patientvault.vault.caller;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.core.Authentication;

/** Who may call the role-bound routes outside {@code /fhir}: exactly the kind each route names, nobody else. */
class RoleRoutesTest {

    private static Authentication as(VaultPrincipal.Kind kind) {
        VaultPrincipal p = new VaultPrincipal(kind, "sub-" + kind, "client",
                kind == VaultPrincipal.Kind.PATIENT ? UUID.randomUUID().toString() : null,
                kind == VaultPrincipal.Kind.HOSPITAL || kind == VaultPrincipal.Kind.AI_FIRM ? "org-1" : null,
                kind == VaultPrincipal.Kind.HOSPITAL || kind == VaultPrincipal.Kind.AI_FIRM ? "org-code" : null);
        return new TestingAuthenticationToken(p, null);
    }

    private static MockHttpServletRequest request(String method, String path) {
        MockHttpServletRequest r = new MockHttpServletRequest(method, path);
        r.setRequestURI(path);
        return r;
    }

    @Test
    void eachRoleRouteAdmitsOnlyItsKind() {
        String[][] routes = {
                {"POST", "/intake/checkup", "HOSPITAL"},
                {"POST", "/dicomweb/studies", "HOSPITAL"},
                {"POST", "/dicomweb/studies/1.2.3", "HOSPITAL"},
                {"POST", "/api/admin/objects/reconcile", "ADMIN"},
                {"GET", "/mobile/v1/timeline", "PATIENT"},
                {"POST", "/mobile/v1/consents", "PATIENT"}};
        for (String[] route : routes) {
            for (VaultPrincipal.Kind kind : VaultPrincipal.Kind.values()) {
                assertThat(ApiSecurityConfig.allowed(as(kind), request(route[0], route[1])))
                        .as(kind + " " + route[0] + " " + route[1])
                        .isEqualTo(kind.name().equals(route[2]));
            }
        }
    }

    @Test
    void anUnauthenticatedCallerOrAnUnlistedRouteIsNeverAdmitted() {
        assertThat(ApiSecurityConfig.allowed(null, request("POST", "/intake/checkup"))).isFalse();
        assertThat(ApiSecurityConfig.allowed(new TestingAuthenticationToken("someone", null),
                request("POST", "/intake/checkup"))).isFalse();
        assertThat(ApiSecurityConfig.allowed(as(VaultPrincipal.Kind.HOSPITAL), request("GET", "/intake/checkup")))
                .isFalse();
    }

    @Test
    void everyRoleRouteSaysWhoItIsFor() {
        assertThat(ApiSecurityConfig.ROLE_ROUTES).allSatisfy(r -> assertThat(r.refusal()).startsWith("Only "));
    }
}
