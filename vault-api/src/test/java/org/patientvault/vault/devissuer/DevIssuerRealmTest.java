package org.patientvault.vault.devissuer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;

/** The realm file as the development issuer reads it, and the Keycloak redirect-URI patterns it translates. */
class DevIssuerRealmTest {

    private final DevRealm realm = DevRealm.fromClasspath();

    @Test
    void readsTheRealmsClientsUsersAndServiceAccounts() {
        assertThat(realm.name()).isEqualTo("vault");
        assertThat(realm.accessTokenLifespan()).hasSeconds(300);
        assertThat(realm.clients()).extracting(DevRealm.Client::clientId).containsExactly("vault-mobile", "vault-web",
                "vault-cli", "hosp-beijing", "hosp-shanghai", "clinic-rural", "ai-lab", "ai-beta");
        assertThat(realm.loginUsers()).extracting(DevRealm.User::username)
                .containsExactly("alice", "bob", "vault-admin", "bj-staff", "sh-staff", "rural-staff", "ai-lab-staff");
        DevRealm.User alice = realm.user("alice").orElseThrow();
        assertThat(alice.id()).isEqualTo("a11ce000-0000-4000-8000-000000000001");
        assertThat(alice.password()).isEqualTo("alice-demo");
        assertThat(alice.attributes()).containsEntry("national_id", "110101198503120025");
        assertThat(alice.realmRoles()).contains("patient");
        assertThat(realm.serviceAccountOf("hosp-shanghai").orElseThrow().id())
                .isEqualTo("5a000000-0000-4000-8000-000000000005");
        assertThat(realm.serviceAccountOf("ai-beta").orElseThrow().realmRoles()).contains("ai-firm");
        assertThat(realm.serviceAccountOf("vault-web")).isEmpty();
        DevRealm.Client beijing = realm.client("hosp-beijing").orElseThrow();
        assertThat(beijing.audiences()).containsExactly("vault-api");
        assertThat(RealmClaims.mapperClaims(beijing, realm.serviceAccountOf("hosp-beijing").orElseThrow(), true))
                .containsExactly(java.util.Map.entry("org_id", "hosp-beijing"));
        assertThat(RealmClaims.mapperClaims(realm.client("vault-web").orElseThrow(), alice, true))
                .containsExactly(java.util.Map.entry("national_id", "110101198503120025"));
        assertThat(RealmClaims.mapperClaims(realm.client("vault-web").orElseThrow(), alice, false)).isEmpty();
        // A hospital's staff member signs in to the web UI and acts as the hospital: the same org_id as its client.
        DevRealm.User staff = realm.user("bj-staff").orElseThrow();
        assertThat(staff.realmRoles()).contains("hospital").doesNotContain("patient", "admin", "ai-firm");
        assertThat(RealmClaims.mapperClaims(realm.client("vault-web").orElseThrow(), staff, true))
                .containsExactly(java.util.Map.entry("org_id", "hosp-beijing"));
        assertThat(realm.user("ai-lab-staff").orElseThrow().attributes()).containsEntry("org_id", "ai-lab");
    }

    @Test
    void registersConfidentialAndBrowserClientsAsTheRealmSays() {
        RegisteredClient beijing = DevIssuerConfig.registeredClient(realm.client("hosp-beijing").orElseThrow(), realm);
        assertThat(beijing.getAuthorizationGrantTypes()).containsExactly(AuthorizationGrantType.CLIENT_CREDENTIALS);
        assertThat(beijing.getClientAuthenticationMethods()).containsExactlyInAnyOrder(
                ClientAuthenticationMethod.CLIENT_SECRET_BASIC, ClientAuthenticationMethod.CLIENT_SECRET_POST);
        assertThat(beijing.getClientSecret()).isEqualTo("{noop}hosp-beijing-secret");
        assertThat(beijing.getTokenSettings().getAccessTokenTimeToLive()).hasSeconds(300);

        RegisteredClient web = DevIssuerConfig.registeredClient(realm.client("vault-web").orElseThrow(), realm);
        assertThat(web.getAuthorizationGrantTypes()).containsExactlyInAnyOrder(
                AuthorizationGrantType.AUTHORIZATION_CODE, AuthorizationGrantType.REFRESH_TOKEN);
        assertThat(web.getClientAuthenticationMethods()).containsExactly(ClientAuthenticationMethod.NONE);
        assertThat(web.getClientSettings().isRequireProofKey()).isTrue();
        assertThat(web.getRedirectUris()).contains("org.patientvault.app:/callback");

        // vault-cli only has the password grant, which Spring Authorization Server does not offer.
        assertThat(DevIssuerConfig.registeredClient(realm.client("vault-cli").orElseThrow(), realm)).isNull();
    }

    @Test
    void loopbackPatternsAcceptAnyPortAndNothingElse() {
        RealmRedirectUris uris = new RealmRedirectUris(
                List.of("http://localhost:*", "http://127.0.0.1:*/*", "org.patientvault.app:/callback"), "c");
        assertThat(uris.accepts("http://localhost:3000/callback")).isTrue();
        assertThat(uris.accepts("http://localhost:1/")).isTrue();
        assertThat(uris.accepts("http://localhost:8080")).isTrue();
        assertThat(uris.accepts("http://127.0.0.1:49152/cb?x=1")).isTrue();
        assertThat(uris.accepts("org.patientvault.app:/callback")).isTrue();
        assertThat(uris.accepts("org.patientvault.app:/other")).isFalse();
        assertThat(uris.accepts("http://evil.example/callback")).isFalse();
        assertThat(uris.accepts("http://localhost.evil.example:80/callback")).isFalse();
        assertThat(uris.accepts("http://localhost:80@evil.example/callback")).isFalse();
        assertThat(uris.accepts("https://localhost:8443/callback")).isFalse();
        assertThat(uris.accepts("http://127.0.0.2:8080/callback")).isFalse();
        assertThat(uris.accepts("http://localhost:3000/cb#fragment")).isFalse();
        assertThat(uris.accepts("")).isFalse();
        assertThat(uris.accepts(null)).isFalse();
        assertThat(uris.registrable()).containsExactly("org.patientvault.app:/callback", "http://localhost",
                "http://127.0.0.1");
    }

    @Test
    void pathPatternsArePrefixesAndFixedPortsAreFixed() {
        RealmRedirectUris uris = new RealmRedirectUris(List.of("http://localhost:8080/app/*",
                "http://127.0.0.1:*/exact"), "c");
        assertThat(uris.accepts("http://localhost:8080/app/callback")).isTrue();
        assertThat(uris.accepts("http://localhost:8081/app/callback")).isFalse();
        assertThat(uris.accepts("http://localhost:8080/other")).isFalse();
        assertThat(uris.accepts("http://localhost:8080/app/../other")).isFalse();
        assertThat(uris.accepts("http://127.0.0.1:5555/exact")).isTrue();
        assertThat(uris.accepts("http://127.0.0.1:5555/exact/more")).isFalse();
    }

    @Test
    void unsupportedPatternsAndBrokenRealmsFailWithTheirPlace() {
        assertThatThrownBy(() -> new RealmRedirectUris(List.of("http://*.example/cb"), "web"))
                .isInstanceOf(DevRealmException.class).hasMessageContaining("http://*.example/cb")
                .hasMessageContaining("web");
        assertThatThrownBy(() -> new RealmRedirectUris(List.of("http://localhost:*/a*b"), "web"))
                .isInstanceOf(DevRealmException.class).hasMessageContaining("end of the path");
        assertThatThrownBy(() -> parse("[1,2]")).isInstanceOf(DevRealmException.class)
                .hasMessageContaining("JSON object");
        assertThatThrownBy(() -> parse("{\"realm\":\"r\",\"clients\":[{\"publicClient\":true}]}"))
                .isInstanceOf(DevRealmException.class).hasMessageContaining("clients[0]")
                .hasMessageContaining("clientId");
        assertThatThrownBy(() -> parse("{\"realm\":\"r\",\"users\":[{\"username\":\"x\"}]}"))
                .isInstanceOf(DevRealmException.class).hasMessageContaining("users[0] (x)")
                .hasMessageContaining("\"id\"");
        assertThatThrownBy(() -> parse("{\"realm\":\"r\",\"clients\":[{\"clientId\":\"h\","
                + "\"serviceAccountsEnabled\":true}]}"))
                .isInstanceOf(DevRealmException.class).hasMessageContaining("needs a secret");
        assertThatThrownBy(() -> parse("{not json")).isInstanceOf(DevRealmException.class)
                .hasMessageContaining("not valid JSON");
    }

    @Test
    void scopeIsWrittenLikeKeycloak() {
        assertThat(RealmClaims.scope(Set.of())).isEqualTo("email profile");
        assertThat(RealmClaims.scope(Set.of("profile", "openid"))).isEqualTo("openid email profile");
        assertThat(RealmClaims.scope(null)).isEqualTo("email profile");
    }

    private static DevRealm parse(String json) {
        return DevRealm.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "test.json");
    }
}
