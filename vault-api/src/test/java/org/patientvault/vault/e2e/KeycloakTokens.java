package org.patientvault.vault.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Tokens from the real Keycloak of the end-to-end tier ({@code scripts/keycloak.sh start};
 * {@code VAULT_TEST_KEYCLOAK_URL}, default {@code http://127.0.0.1:18080}), plus the bad tokens of the matrix.
 */
final class KeycloakTokens {

    static final String BASE = envOr("VAULT_TEST_KEYCLOAK_URL", "http://127.0.0.1:18080");
    static final String ISSUER = BASE + "/realms/vault";
    private static final Map<String, String> PASSWORDS = Map.of("alice", "alice-demo", "bob", "bob-demo",
            "vault-admin", "vault-admin-demo");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private KeycloakTokens() {
    }

    /** A token for a demo user (password grant through vault-cli) or a demo client (client credentials). */
    static String token(String caller) {
        if (PASSWORDS.containsKey(caller)) {
            return tokenFor("vault", Map.of("grant_type", "password", "client_id", "vault-cli",
                    "username", caller, "password", PASSWORDS.get(caller)));
        }
        return tokenFor("vault", Map.of("grant_type", "client_credentials", "client_id", caller,
                "client_secret", caller + "-secret"));
    }

    /** A real Keycloak token of the vault realm issued to admin-cli: valid signature, wrong audience. */
    static String wrongAudience() {
        return tokenFor("vault", Map.of("grant_type", "password", "client_id", "admin-cli",
                "username", "alice", "password", "alice-demo"));
    }

    /** alice's claims, issuer and audience, but signed by a key Keycloak never had. */
    static String signedByAnotherKey() throws Exception {
        JsonNode claims = payload(token("alice"));
        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048);
        RSAPrivateKey key = (RSAPrivateKey) gen.generateKeyPair().getPrivate();
        String kid = SignedJWT.parse(token("alice")).getHeader().getKeyID();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid)
                .type(JOSEObjectType.JWT).build(), JWTClaimsSet.parse(JSON.writeValueAsString(claims)));
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    /**
     * A genuine alice token that has expired: the realm's token lifespan is set to 1 s through the admin API for one
     * token, then restored.
     */
    static synchronized String expired() throws Exception {
        String admin = tokenFor("master", Map.of("grant_type", "password", "client_id", "admin-cli",
                "username", envOr("VAULT_KEYCLOAK_ADMIN_USER", "admin"),
                "password", envOr("VAULT_KEYCLOAK_ADMIN_PASSWORD", "admin-demo")));
        URI realm = URI.create(BASE + "/admin/realms/vault");
        ObjectNode rep = (ObjectNode) JSON.readTree(send(HttpRequest.newBuilder(realm)
                .header("Authorization", "Bearer " + admin).GET().build()));
        int lifespan = rep.path("accessTokenLifespan").asInt(300);
        putLifespan(realm, admin, 1);
        try {
            String token = token("alice");
            Thread.sleep(2_500);
            return token;
        } finally {
            putLifespan(realm, admin, lifespan);
        }
    }

    static JsonNode payload(String jwt) throws Exception {
        return JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
    }

    private static void putLifespan(URI realm, String admin, int seconds) throws Exception {
        send(HttpRequest.newBuilder(realm).header("Authorization", "Bearer " + admin)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"accessTokenLifespan\":" + seconds + "}")).build());
    }

    private static String tokenFor(String realm, Map<String, String> form) {
        String body = form.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        try {
            String json = send(HttpRequest.newBuilder(URI.create(BASE + "/realms/" + realm
                            + "/protocol/openid-connect/token"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build());
            return JSON.readTree(json).path("access_token").asText();
        } catch (Exception e) {
            throw new IllegalStateException("The end-to-end tier needs Keycloak at " + BASE
                    + " (scripts/keycloak.sh start): " + e.getMessage(), e);
        }
    }

    private static String send(HttpRequest request) throws Exception {
        HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException("Keycloak answered " + r.statusCode() + " to " + request.uri());
        }
        return r.body();
    }

    private static String envOr(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
