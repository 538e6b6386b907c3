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
import java.util.UUID;
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

    /**
     * A user's token as a patient app gets it: the authorization code flow with PKCE (S256) on the public client
     * {@code clientId} (e.g. {@code vault-mobile}), through Keycloak's own login form. No browser: the test fetches the
     * authorization endpoint, posts the form it is given (with Keycloak's session cookies), takes the code from the redirect
     * (not followed; the redirect URI is a loopback address the realm allows) and redeems it with the verifier.
     *
     * @return the token endpoint's JSON (access_token, refresh_token, ...)
     */
    static JsonNode authorizationCodeWithPkce(String clientId, String username, String password) throws Exception {
        byte[] random = new byte[32];
        new java.security.SecureRandom().nextBytes(random);
        String verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
                java.security.MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        String redirect = "http://127.0.0.1:9/callback";
        String state = UUID.randomUUID().toString();
        HttpClient browser = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        URI authorize = URI.create(ISSUER + "/protocol/openid-connect/auth?response_type=code&scope=openid"
                + "&client_id=" + enc(clientId) + "&redirect_uri=" + enc(redirect) + "&state=" + state
                + "&code_challenge=" + challenge + "&code_challenge_method=S256");
        HttpResponse<String> page = browser.send(HttpRequest.newBuilder(authorize).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        java.util.regex.Matcher form = java.util.regex.Pattern.compile("id=\"kc-form-login\"[^>]*action=\"([^\"]+)\"")
                .matcher(page.body());
        if (page.statusCode() != 200 || !form.find()) {
            throw new IllegalStateException("Keycloak's login page for " + clientId + " answered "
                    + page.statusCode() + " without a login form");
        }
        // Keycloak marks its session cookies Secure; Java's CookieManager would not send those over plain http to
        // 127.0.0.1 (a browser treats loopback as secure), so they are carried by hand.
        String cookies = page.headers().allValues("Set-Cookie").stream().map(c -> c.split(";", 2)[0])
                .collect(Collectors.joining("; "));
        HttpResponse<String> login = browser.send(HttpRequest.newBuilder(URI.create(form.group(1)
                                .replace("&amp;", "&")))
                        .header("Content-Type", "application/x-www-form-urlencoded").header("Cookie", cookies)
                        .POST(HttpRequest.BodyPublishers.ofString("username=" + enc(username) + "&password="
                                + enc(password) + "&credentialId=")).build(),
                HttpResponse.BodyHandlers.ofString());
        String location = login.headers().firstValue("Location").orElse("");
        if (login.statusCode() != 302 || !location.startsWith(redirect)) {
            throw new IllegalStateException("Keycloak did not redirect " + username + " back to the app: "
                    + login.statusCode());
        }
        Map<String, String> query = new java.util.HashMap<>();
        for (String kv : URI.create(location).getRawQuery().split("&")) {
            String[] p = kv.split("=", 2);
            query.put(p[0], java.net.URLDecoder.decode(p.length > 1 ? p[1] : "", StandardCharsets.UTF_8));
        }
        if (!state.equals(query.get("state")) || query.get("code") == null) {
            throw new IllegalStateException("the redirect carries no code for this state");
        }
        String body = "grant_type=authorization_code&client_id=" + enc(clientId) + "&code=" + enc(query.get("code"))
                + "&redirect_uri=" + enc(redirect) + "&code_verifier=" + enc(verifier);
        return JSON.readTree(send(HttpRequest.newBuilder(URI.create(ISSUER + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build()));
    }

    /** A fresh access token from a refresh token of the same public client. */
    static JsonNode refresh(String clientId, String refreshToken) throws Exception {
        return JSON.readTree(send(HttpRequest.newBuilder(URI.create(ISSUER + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=refresh_token&client_id=" + enc(clientId)
                        + "&refresh_token=" + enc(refreshToken))).build()));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
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
