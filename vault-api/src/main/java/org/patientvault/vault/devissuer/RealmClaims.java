package org.patientvault.vault.devissuer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;

/**
 * Makes the development issuer's tokens carry the claims Keycloak's vault realm puts in its tokens
 * (docs/keycloak.md, "Token claims"): {@code sub} = the realm user id (the {@code service-account-<client>} user's for
 * client credentials), {@code aud} from the client's audience mappers, {@code azp}, {@code realm_access.roles},
 * {@code preferred_username}, the user-attribute and hard-coded-claim mappers' claims ({@code national_id},
 * {@code org_id}), {@code typ}, and {@code scope} as a space-separated string including Keycloak's default client
 * scopes ({@code email profile}). {@code iss}, {@code iat}, {@code exp}, {@code nbf} and {@code jti} are set by
 * Spring Authorization Server.
 */
final class RealmClaims implements OAuth2TokenCustomizer<JwtEncodingContext> {

    /** Keycloak's default client scopes that show in its {@code scope} claim. */
    private static final List<String> DEFAULT_SCOPES = List.of("email", "profile");

    private final DevRealm realm;

    RealmClaims(DevRealm realm) {
        this.realm = realm;
    }

    @Override
    public void customize(JwtEncodingContext context) {
        boolean access = OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType());
        boolean id = OidcParameterNames.ID_TOKEN.equals(context.getTokenType().getValue());
        if (!access && !id) {
            return;
        }
        String clientId = context.getRegisteredClient().getClientId();
        DevRealm.Client client = realm.client(clientId).orElseThrow(() -> serverError(
                "client " + clientId + " is not in the realm"));
        DevRealm.User user = subjectOf(context, clientId);
        JwtClaimsSet.Builder claims = context.getClaims();
        claims.subject(user.id());
        claims.claim("azp", clientId);
        claims.claim("preferred_username", user.username());
        if (user.serviceAccountClientId() == null) {
            profileClaims(user).forEach(claims::claim);
        }
        if (id) {
            claims.claim("typ", "ID");
            mapperClaims(client, user, false).forEach(claims::claim);
            return;
        }
        claims.claim("typ", "Bearer");
        List<String> audiences = client.audiences();
        if (audiences.isEmpty()) {
            claims.claims(c -> c.remove("aud"));
        } else {
            claims.audience(audiences);
        }
        claims.claim("realm_access", Map.of("roles", user.realmRoles()));
        mapperClaims(client, user, true).forEach(claims::claim);
        claims.claim(OAuth2ParameterNames.SCOPE, scope(context.getAuthorizedScopes()));
    }

    private DevRealm.User subjectOf(JwtEncodingContext context, String clientId) {
        if (AuthorizationGrantType.CLIENT_CREDENTIALS.equals(context.getAuthorizationGrantType())) {
            return realm.serviceAccountOf(clientId).orElseThrow(() -> serverError(
                    "client " + clientId + " has no service-account user in the realm"));
        }
        Authentication principal = context.getPrincipal();
        return realm.user(principal.getName()).orElseThrow(() -> serverError(
                "user " + principal.getName() + " is not in the realm"));
    }

    private static Map<String, Object> profileClaims(DevRealm.User user) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (user.firstName() != null) {
            out.put("given_name", user.firstName());
        }
        if (user.lastName() != null) {
            out.put("family_name", user.lastName());
        }
        String name = String.join(" ", java.util.stream.Stream.of(user.firstName(), user.lastName())
                .filter(s -> s != null && !s.isBlank()).toList());
        if (!name.isEmpty()) {
            out.put("name", name);
        }
        if (user.email() != null) {
            out.put("email", user.email());
            out.put("email_verified", user.emailVerified());
        }
        return out;
    }

    /** Claims of the client's user-attribute and hard-coded-claim mappers that apply to this token type. */
    static Map<String, Object> mapperClaims(DevRealm.Client client, DevRealm.User user, boolean accessToken) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (DevRealm.Mapper m : client.mappers()) {
            if (accessToken ? !m.accessToken() : !m.idToken()) {
                continue;
            }
            String claim = m.config().get("claim.name");
            if (claim == null || claim.isBlank()) {
                continue;
            }
            switch (m.type()) {
                case "oidc-usermodel-attribute-mapper" -> {
                    String value = user.attributes().get(m.config().get("user.attribute"));
                    if (value != null) {
                        out.put(claim, value);
                    }
                }
                case "oidc-hardcoded-claim-mapper" -> {
                    String value = m.config().get("claim.value");
                    if (value != null) {
                        out.put(claim, value);
                    }
                }
                default -> {
                    // Other mapper types are not used by the vault realm's claims.
                }
            }
        }
        return out;
    }

    /** Keycloak's order: openid first, then the rest alphabetically, space-separated. */
    static String scope(Set<String> authorized) {
        Set<String> all = new TreeSet<>(authorized == null ? Set.of() : authorized);
        all.addAll(DEFAULT_SCOPES);
        Set<String> ordered = new LinkedHashSet<>();
        if (all.remove("openid")) {
            ordered.add("openid");
        }
        ordered.addAll(all);
        return String.join(" ", new ArrayList<>(ordered));
    }

    private static OAuth2AuthenticationException serverError(String what) {
        return new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.SERVER_ERROR,
                "Development issuer: " + what, null));
    }
}
