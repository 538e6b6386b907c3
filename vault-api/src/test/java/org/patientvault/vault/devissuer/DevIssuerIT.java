package org.patientvault.vault.devissuer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.patientvault.vault.FreshDatabase;
import org.patientvault.vault.VaultStartupReport;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ContextConfiguration;

/**
 * The development issuer of the embedded mode, end to end over HTTP: discovery, client credentials with the realm's
 * claims, the browser login with PKCE, redirect-URI and PKCE refusals, and its tokens at the API.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "vault.security.oidc-issuer=",
        "vault.data-dir=target/it-data"})
@ContextConfiguration(initializers = FreshDatabase.class)
class DevIssuerIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ALICE_ID = "a11ce000-0000-4000-8000-000000000001";

    @LocalServerPort
    int port;

    @Autowired
    VaultStartupReport report;

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    private String base() {
        return "http://localhost:" + port;
    }

    @Test
    void discoveryIsPublicAndNamesTheEndpoints() throws Exception {
        HttpResponse<String> r = get("/.well-known/openid-configuration", Map.of());
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode doc = JSON.readTree(r.body());
        assertThat(doc.path("issuer").asText()).isEqualTo(base());
        assertThat(doc.path("token_endpoint").asText()).isEqualTo(base() + "/oauth2/token");
        assertThat(doc.path("authorization_endpoint").asText()).isEqualTo(base() + "/oauth2/authorize");
        assertThat(doc.path("grant_types_supported").toString()).contains("client_credentials", "authorization_code");
        HttpResponse<String> jwks = get("/oauth2/jwks", Map.of());
        assertThat(jwks.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(jwks.body()).path("keys").get(0).path("kty").asText()).isEqualTo("RSA");
        assertThat(report.parts().get("identity")).contains("development issuer");
    }

    @Test
    void clientCredentialsTokenCarriesTheRealmClaims() {
        String token = DevIssuerLogin.clientCredentialsToken(base(), "hosp-beijing", "hosp-beijing-secret");
        JsonNode c = DevIssuerLogin.claims(token);
        Set<String> names = new HashSet<>();
        c.fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactlyInAnyOrder("iss", "sub", "aud", "azp", "realm_access", "org_id",
                "preferred_username", "scope", "typ", "exp", "iat", "nbf", "jti");
        assertThat(c.path("iss").asText()).isEqualTo(base());
        assertThat(c.path("sub").asText()).isEqualTo("5a000000-0000-4000-8000-000000000004");
        assertThat(c.path("aud").isTextual()).as("one audience is a plain string, as Keycloak writes it").isTrue();
        assertThat(c.path("aud").asText()).isEqualTo("vault-api");
        assertThat(c.path("azp").asText()).isEqualTo("hosp-beijing");
        assertThat(c.path("realm_access").path("roles").toString()).isEqualTo("[\"hospital\"]");
        assertThat(c.path("org_id").asText()).isEqualTo("hosp-beijing");
        assertThat(c.path("preferred_username").asText()).isEqualTo("service-account-hosp-beijing");
        assertThat(c.path("scope").asText()).isEqualTo("email profile");
        assertThat(c.path("typ").asText()).isEqualTo("Bearer");
        assertThat(c.path("exp").asLong() - c.path("iat").asLong()).isEqualTo(300);
    }

    @Test
    void everyServiceAccountGetsItsOwnRoleAndOrg() {
        JsonNode ai = DevIssuerLogin.claims(DevIssuerLogin.clientCredentialsToken(base(), "ai-lab", "ai-lab-secret"));
        assertThat(ai.path("realm_access").path("roles").toString()).isEqualTo("[\"ai-firm\"]");
        assertThat(ai.path("org_id").asText()).isEqualTo("ai-lab");
        assertThat(ai.path("sub").asText()).isEqualTo("5a000000-0000-4000-8000-000000000007");
        JsonNode clinic = DevIssuerLogin.claims(
                DevIssuerLogin.clientCredentialsToken(base(), "clinic-rural", "clinic-rural-secret"));
        assertThat(clinic.path("org_id").asText()).isEqualTo("clinic-rural");
        assertThat(clinic.path("sub").asText()).isEqualTo("5a000000-0000-4000-8000-000000000006");
    }

    @Test
    void wrongSecretIsRefused() {
        HttpResponse<String> r = DevIssuerLogin.clientCredentials(base(), "hosp-beijing", "not-the-secret");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).contains("invalid_client").doesNotContain("access_token");
        assertThat(DevIssuerLogin.clientCredentials(base(), "nobody", "x").statusCode()).isEqualTo(401);
    }

    @Test
    void publicClientCannotUseClientCredentials() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base() + "/oauth2/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id=vault-web"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isIn(400, 401);
        assertThat(r.body()).doesNotContain("access_token");
    }

    @Test
    void theApiAcceptsTheIssuersTokens() throws Exception {
        String token = DevIssuerLogin.clientCredentialsToken(base(), "hosp-beijing", "hosp-beijing-secret");
        HttpResponse<String> r = get("/fhir/Organization", Map.of("Authorization", "Bearer " + token,
                "Accept", "application/fhir+json"));
        assertThat(r.statusCode()).as(r.body()).isNotEqualTo(401);
    }

    @Test
    void theApiRefusesMissingAndForeignTokens() throws Exception {
        assertThat(get("/fhir/Patient", Map.of()).statusCode()).isEqualTo(401);
        String token = DevIssuerLogin.clientCredentialsToken(base(), "hosp-beijing", "hosp-beijing-secret");
        // Same claims, signature broken: the issuer's key is the only one trusted.
        String[] parts = token.split("\\.");
        String tampered = parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse();
        assertThat(get("/fhir/Patient", Map.of("Authorization", "Bearer " + tampered)).statusCode()).isEqualTo(401);
    }

    @Test
    void aliceLogsInWithPkceAndGetsHerClaims() throws Exception {
        HttpResponse<String> response = DevIssuerLogin.userTokenResponse(base(), "alice", "alice-demo");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("id_token").asText()).isNotEmpty();
        JsonNode c = DevIssuerLogin.claims(body.path("access_token").asText());
        assertThat(c.path("sub").asText()).isEqualTo(ALICE_ID);
        assertThat(c.path("national_id").asText()).isEqualTo("110101198503120025");
        assertThat(c.path("realm_access").path("roles").toString()).contains("\"patient\"");
        assertThat(audiences(c)).containsExactly("vault-api");
        assertThat(c.path("azp").asText()).isEqualTo("vault-web");
        assertThat(c.path("preferred_username").asText()).isEqualTo("alice");
        assertThat(c.path("scope").asText()).isEqualTo("openid email profile");
        assertThat(c.path("exp").asLong() - c.path("iat").asLong()).isEqualTo(300);
        assertThat(c.has("org_id")).isFalse();
        JsonNode id = DevIssuerLogin.claims(body.path("id_token").asText());
        assertThat(id.path("sub").asText()).isEqualTo(ALICE_ID);
        assertThat(id.has("national_id")).as("national_id is in access tokens only, as in Keycloak").isFalse();

        String token = body.path("access_token").asText();
        assertThat(get("/fhir/Patient", Map.of("Authorization", "Bearer " + token,
                "Accept", "application/fhir+json")).statusCode()).isNotEqualTo(401);
        HttpResponse<String> userinfo = get("/userinfo", Map.of("Authorization", "Bearer " + token));
        assertThat(userinfo.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(userinfo.body()).path("sub").asText()).isEqualTo(ALICE_ID);
    }

    @Test
    void browserClientsGetRotatingRefreshTokens() throws Exception {
        JsonNode first = JSON.readTree(DevIssuerLogin.userTokenResponse(base(), "bob", "bob-demo").body());
        String refresh = first.path("refresh_token").asText();
        assertThat(refresh).as("Keycloak gives public clients refresh tokens; so does the dev issuer").isNotEmpty();
        HttpResponse<String> refreshed = refresh("vault-web", refresh);
        assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
        JsonNode again = JSON.readTree(refreshed.body());
        JsonNode c = DevIssuerLogin.claims(again.path("access_token").asText());
        assertThat(c.path("sub").asText()).isEqualTo("b0b00000-0000-4000-8000-000000000002");
        assertThat(c.path("national_id").asText()).isEqualTo("310104197809210017");
        assertThat(again.path("refresh_token").asText()).isNotEmpty().isNotEqualTo(refresh);
        // Rotation: the used refresh token is dead; another client cannot use a fresh one either.
        assertThat(refresh("vault-web", refresh).statusCode()).isEqualTo(400);
        assertThat(refresh("vault-mobile", again.path("refresh_token").asText()).statusCode()).isEqualTo(400);
        assertThat(refresh("hosp-beijing", again.path("refresh_token").asText()).statusCode()).isEqualTo(401);
        assertThat(refresh("vault-web", "made-up").statusCode()).isEqualTo(400);
    }

    private HttpResponse<String> refresh(String clientId, String refreshToken) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base() + "/oauth2/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(DevIssuerLogin.formBody(Map.of(
                        "grant_type", "refresh_token", "client_id", clientId, "refresh_token", refreshToken))))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void adminAndBobLogInToo() {
        JsonNode admin = DevIssuerLogin.claims(DevIssuerLogin.userToken(base(), "vault-admin", "vault-admin-demo"));
        assertThat(admin.path("sub").asText()).isEqualTo("ad000000-0000-4000-8000-000000000003");
        assertThat(admin.path("realm_access").path("roles").toString()).contains("\"admin\"")
                .doesNotContain("\"patient\"");
        assertThat(admin.has("national_id")).isFalse();
        JsonNode bob = DevIssuerLogin.claims(DevIssuerLogin.userToken(base(), "bob", "bob-demo"));
        assertThat(bob.path("national_id").asText()).isEqualTo("310104197809210017");
    }

    @Test
    void wrongPasswordIsRefused() {
        assertThatThrownBy(() -> DevIssuerLogin.userToken(base(), "alice", "wrong"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("refused");
        // Service accounts have no password and cannot log in.
        assertThatThrownBy(() -> DevIssuerLogin.userToken(base(), "service-account-hosp-beijing", ""))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void redirectUrisOutsideTheRealmAreRefused() throws Exception {
        for (String foreign : List.of("http://evil.example/callback", "http://localhost.evil.example/callback",
                "https://127.0.0.1.evil.example/callback", "http://localhost:8080@evil.example/callback",
                "https://localhost:8443/callback")) {
            HttpResponse<String> r = authorize(foreign, true);
            assertThat(r.statusCode()).as(foreign).isEqualTo(400);
            assertThat(r.headers().firstValue("Location")).as(foreign).isEmpty();
        }
        for (String loopback : List.of("http://localhost:3000/", "http://localhost:43210/cb?x=1",
                "http://127.0.0.1:8081/callback", "org.patientvault.app:/callback")) {
            HttpResponse<String> r = authorize(loopback, true);
            assertThat(r.statusCode()).as(loopback).isEqualTo(302);
            assertThat(r.headers().firstValue("Location").orElseThrow()).as(loopback).endsWith("/login");
        }
    }

    @Test
    void pushedRequestsCannotBypassTheRedirectRules() throws Exception {
        // SAS 1.5 serves PAR to authenticated (confidential) clients only, and the realm's confidential clients have
        // no code flow: so no client can push a request, whatever its redirect URI.
        for (String uri : List.of("http://evil.example/cb", "http://localhost:3000/cb")) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base() + "/oauth2/par"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(DevIssuerLogin.formBody(Map.of(
                            "response_type", "code", "client_id", "vault-web", "redirect_uri", uri,
                            "scope", "openid", "code_challenge", DevIssuerLogin.challenge("v".repeat(50)),
                            "code_challenge_method", "S256"))))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(uri).isEqualTo(401);
            assertThat(r.body()).as(uri).doesNotContain("request_uri");
        }
    }

    @Test
    void pkceIsRequired() throws Exception {
        HttpResponse<String> r = authorize("http://127.0.0.1:8081/callback", false);
        assertThat(r.statusCode()).isEqualTo(302);
        String location = r.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith("http://127.0.0.1:8081/callback").contains("error=invalid_request")
                .doesNotContain("code=");
        HttpResponse<String> plain = get("/oauth2/authorize?response_type=code&client_id=vault-web"
                + "&redirect_uri=http://127.0.0.1:8081/cb&scope=openid&code_challenge=abcdefghabcdefghabcdefghabcdefgh"
                + "abcdefghabc&code_challenge_method=plain", Map.of("Accept", "text/html"));
        assertThat(plain.headers().firstValue("Location").orElse("")).contains("error=invalid_request");
    }

    @Test
    void aWrongVerifierGetsNoToken() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base() + "/oauth2/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(DevIssuerLogin.formBody(Map.of(
                        "grant_type", "authorization_code", "code", "made-up", "client_id", "vault-web",
                        "redirect_uri", DevIssuerLogin.REDIRECT_URI, "code_verifier", "x".repeat(43)))))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isIn(400, 401);
        assertThat(r.body()).doesNotContain("access_token");
    }

    private HttpResponse<String> authorize(String redirectUri, boolean withPkce) throws Exception {
        Map<String, String> q = new java.util.LinkedHashMap<>();
        q.put("response_type", "code");
        q.put("client_id", "vault-web");
        q.put("redirect_uri", redirectUri);
        q.put("scope", "openid");
        q.put("state", "s1");
        if (withPkce) {
            q.put("code_challenge", DevIssuerLogin.challenge("v".repeat(50)));
            q.put("code_challenge_method", "S256");
        }
        return get("/oauth2/authorize?" + DevIssuerLogin.formBody(q), Map.of("Accept", "text/html"));
    }

    private HttpResponse<String> get(String path, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).GET();
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> audiences(JsonNode claims) {
        JsonNode aud = claims.path("aud");
        if (aud.isTextual()) {
            return List.of(aud.asText());
        }
        List<String> out = new java.util.ArrayList<>();
        aud.forEach(a -> out.add(a.asText()));
        return out;
    }
}
