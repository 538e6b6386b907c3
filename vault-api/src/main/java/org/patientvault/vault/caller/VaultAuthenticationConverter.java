package org.patientvault.vault.caller;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.authentication.InsufficientAuthenticationException;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.stereotype.Component;

/**
 * The one place where token claims are read (DESIGN §4): roles from {@code realm_access.roles}, the client from
 * {@code azp}, {@code national_id} for patients and {@code org_id} for organizations. The patient and organization are
 * linked to vault resources here, once per request (cached by the {@link AccountDirectory}).
 */
@Component
class VaultAuthenticationConverter implements Converter<Jwt, AbstractAuthenticationToken> {

    private final AccountDirectory linker;

    VaultAuthenticationConverter(AccountDirectory linker) {
        this.linker = linker;
    }

    @Override
    public AbstractAuthenticationToken convert(Jwt jwt) {
        List<String> roles = realmRoles(jwt);
        VaultPrincipal.Kind kind = kindOf(roles);
        String subject = jwt.getSubject();
        String client = jwt.getClaimAsString("azp");
        if (subject == null || subject.isBlank()) {
            throw new InsufficientAuthenticationException("The token has no subject");
        }
        VaultPrincipal principal = switch (kind) {
            case PATIENT -> {
                String nationalId = jwt.getClaimAsString("national_id");
                yield new VaultPrincipal(kind, subject, client, linker.patientFor(subject, nationalId), null, null);
            }
            case HOSPITAL, AI_FIRM -> {
                String org = jwt.getClaimAsString("org_id");
                if (org == null || org.isBlank()) {
                    throw new InsufficientAuthenticationException("An organization token must carry org_id");
                }
                yield new VaultPrincipal(kind, subject, client, null, linker.organizationFor(org, kind), org);
            }
            case ADMIN -> new VaultPrincipal(kind, subject, client, null, null, null);
        };
        Collection<GrantedAuthority> authorities = new ArrayList<>();
        authorities.add(new SimpleGrantedAuthority("ROLE_" + kind.name()));
        return new VaultAuthentication(jwt, principal, authorities);
    }

    static List<String> realmRoles(Jwt jwt) {
        Object realmAccess = jwt.getClaims().get("realm_access");
        if (realmAccess instanceof Map<?, ?> map && map.get("roles") instanceof Collection<?> roles) {
            return roles.stream().map(String::valueOf).toList();
        }
        return List.of();
    }

    /** Exactly one vault role decides the kind; admin wins only when it is the sole vault role. */
    static VaultPrincipal.Kind kindOf(List<String> roles) {
        List<VaultPrincipal.Kind> kinds = new ArrayList<>();
        if (roles.contains("patient")) {
            kinds.add(VaultPrincipal.Kind.PATIENT);
        }
        if (roles.contains("hospital")) {
            kinds.add(VaultPrincipal.Kind.HOSPITAL);
        }
        if (roles.contains("ai-firm")) {
            kinds.add(VaultPrincipal.Kind.AI_FIRM);
        }
        if (roles.contains("admin")) {
            kinds.add(VaultPrincipal.Kind.ADMIN);
        }
        if (kinds.size() != 1) {
            throw new InsufficientAuthenticationException(kinds.isEmpty()
                    ? "The token carries none of the vault roles (patient, hospital, ai-firm, admin)"
                    : "The token carries more than one vault role: " + kinds);
        }
        return kinds.get(0);
    }
}
