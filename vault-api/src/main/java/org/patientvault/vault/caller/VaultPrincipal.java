package org.patientvault.vault.caller;

import java.util.Optional;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Who is calling, built once per request from the verified token (see {@link VaultAuthenticationConverter}, the only
 * code that reads claims).
 *
 * @param kind           patient, hospital, AI firm or admin
 * @param subject        the token's {@code sub}
 * @param clientId       the token's {@code azp}: the OAuth client the call comes through
 * @param patientId      for patients: the id of their vault Patient (linked on first use); otherwise null
 * @param organizationId for hospitals and AI firms: the id of their vault Organization; otherwise null
 * @param orgCode        for hospitals and AI firms: their {@code org_id} (= client id); otherwise null
 */
public record VaultPrincipal(Kind kind, String subject, String clientId, String patientId, String organizationId,
                             String orgCode) {

    /** The four kinds of caller (DESIGN §4); a token with none of the roles is refused. */
    public enum Kind { PATIENT, HOSPITAL, AI_FIRM, ADMIN }

    /** The principal of the current request, if it is authenticated. */
    public static Optional<VaultPrincipal> current() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        return auth != null && auth.getPrincipal() instanceof VaultPrincipal p ? Optional.of(p) : Optional.empty();
    }

    public String patientReference() {
        return patientId == null ? null : "Patient/" + patientId;
    }

    public String organizationReference() {
        return organizationId == null ? null : "Organization/" + organizationId;
    }
}
