package org.patientvault.vault.devissuer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.patientvault.vault.FreshDatabase;
import org.patientvault.vault.e2e.Browser;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ContextConfiguration;

/**
 * The browser UI in embedded mode (the README's run command): no Keycloak, the development issuer's own login form
 * on the vault's port, the same session cookie for both. Guards the loop where the issuer's saved request replaced
 * the UI's (sign-in bounced between the two forever).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "vault.security.oidc-issuer=",
        "vault.data-dir=target/it-data"})
@ContextConfiguration(initializers = FreshDatabase.class)
class WebDevIssuerLoginIT {

    @LocalServerPort
    int port;

    @Test
    void aliceSignsInThroughTheDevelopmentIssuerAndLandsOnThePageSheAskedFor() throws Exception {
        try (Browser b = new Browser("http://localhost:" + port, "en")) {
            b.signInEmbedded("/app/patient/consents", "alice", "alice-demo");
            // Chinese first, whatever the browser prefers; English is a click away.
            assertThat(b.text(By.tagName("h1"))).isEqualTo("授权管理");
            assertThat(b.text(By.id("signed-in-as"))).isNotBlank();
            b.open("/app/patient/records");
            assertThat(b.text(By.tagName("h1"))).isEqualTo("我的记录");
            b.screenshot("web-embedded-login");
        }
    }
}
