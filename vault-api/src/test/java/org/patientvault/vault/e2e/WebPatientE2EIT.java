package org.patientvault.vault.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.patientvault.vault.TestBundles;

/**
 * The patient portal in a real browser (issue: web, tests a and d): alice signs in on Keycloak's own page and uses
 * the portal as a person would; a forged POST without the CSRF token is refused and changes nothing.
 */
class WebPatientE2EIT extends E2EBase {

    private String base() {
        return "http://localhost:" + port;
    }

    @Test
    void aliceSeesHerRecordsFromTwoHospitalsOpensATrendSharesAndExports() throws Exception {
        // A second hospital knows alice too: the portal shows one timeline across both. (The rural clinic: the BOLA
        // matrix of the same E2E world relies on Shanghai holding nothing of alice's.)
        submit("clinic-rural", TestBundles.checkup(ALICE_RID, 6.1));
        try (Browser b = new Browser(base(), "zh-CN")) {
            b.signIn("/app/patient/records", "alice", "alice-demo");
            assertThat(b.driver.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("zh-CN");
            assertThat(b.text(By.id("signed-in-as"))).as("who is signed in, in the header").isNotBlank();
            String timeline = b.text(By.id("timeline"));
            assertThat(timeline).contains("北京医院（演示）", "乡村诊所（演示）");
            b.screenshot("web-a-1-timeline");

            // Filters: only the clinic's records; a malformed date is refused beside its field.
            b.open("/app/patient/records?hospital=clinic-rural");
            assertThat(b.text(By.id("timeline"))).contains("乡村诊所（演示）").doesNotContain("北京医院（演示）");
            b.open("/app/patient/records?from=2024-13-45");
            assertThat(b.text(By.id("from-error"))).contains("有效日期");

            // The trend of fasting glucose: the chart is drawn and every result is in the table.
            b.open("/app/patient/records");
            b.find(By.cssSelector("a.trend-link")).click();
            b.waitFor(d -> "1".equals(d.findElement(By.id("trend-chart")).getAttribute("data-drawn")));
            List<WebElement> rows = b.driver.findElements(By.cssSelector("#trend-table tbody tr"));
            assertThat(rows).hasSizeGreaterThanOrEqualTo(2);
            assertThat(b.text(By.id("trend-table"))).contains("乡村诊所（演示）", "北京医院（演示）");
            b.screenshot("web-a-2-trend");

            // English on request, remembered.
            b.find(By.linkText("English")).click();
            b.waitFor(d -> "en".equals(d.findElement(By.tagName("html")).getAttribute("lang")));
            assertThat(b.text(By.tagName("h1"))).isNotBlank();

            // Share with Shanghai for 30 days, then revoke.
            b.open("/app/patient/consents");
            int before = b.driver.findElements(By.cssSelector(".consent[data-kind=share][data-status=active]")).size();
            new Select(b.find(By.id("share-hospital"))).selectByValue("hosp-shanghai");
            WebElement days = b.find(By.id("share-days"));
            days.clear();
            days.sendKeys("30");
            b.find(By.cssSelector("#share-form button[type=submit]")).click();
            b.waitFor(d -> d.findElements(By.cssSelector(".consent[data-kind=share][data-status=active]")).size()
                    == before + 1);
            assertThat(b.text(By.cssSelector(".notice.ok"))).isEqualTo("The consent is in force.");
            WebElement granted = b.driver.findElements(By.cssSelector(".consent[data-kind=share][data-status=active]"))
                    .get(0);
            assertThat(granted.getText()).contains("Shanghai hospital (demo)");
            granted.findElement(By.cssSelector("button.danger")).click();
            b.driver.switchTo().alert().accept();
            b.waitFor(d -> d.findElements(By.cssSelector(".consent[data-kind=share][data-status=active]")).size()
                    == before);
            assertThat(b.text(By.cssSelector(".notice.ok"))).isEqualTo("The consent is revoked.");

            // A share link for a doctor: QR code, passcode and expiry shown once; the list offers revoke.
            b.open("/app/patient/share");
            b.find(By.id("label")).sendKeys("Dr Li");
            b.find(By.id("passcode")).sendKeys("123");
            b.find(By.id("make-link")).click();
            assertThat(b.text(By.id("passcode-error"))).contains("6");
            // The refused passcode is not shown again: the patient types a new one.
            assertThat(b.find(By.id("passcode")).getAttribute("value")).isEmpty();
            assertThat(b.find(By.id("label")).getAttribute("value")).isEqualTo("Dr Li");
            b.find(By.id("passcode")).sendKeys("123456789");
            b.find(By.id("make-link")).click();
            assertThat(b.find(By.id("share-qr")).getAttribute("src")).startsWith("data:image/png;base64,");
            assertThat(b.text(By.id("share-passcode"))).isEqualTo("123456789");
            assertThat(b.text(By.id("share-expires"))).isNotBlank();
            b.find(By.cssSelector("#share-made button.danger")).click();
            b.waitFor(d -> d.getCurrentUrl().endsWith("/app/patient/share"));
            assertThat(b.driver.findElements(By.cssSelector(".share-link[data-live=true]"))).isEmpty();
            assertThat(b.text(By.cssSelector(".share-link"))).contains("Dr Li", "Not opened yet.");

            // A session that has ended (here: its cookie is gone) goes to sign-in and comes back to the page.
            b.driver.manage().deleteCookieNamed("PV_SESSION");
            b.open("/app/patient/usage");
            b.waitFor(d -> d.getCurrentUrl().equals(base() + "/app/patient/usage"));
            assertThat(b.text(By.tagName("h1"))).isEqualTo("Who used my data");

            // Export everything: the live progress ends in a download of the zip.
            b.open("/app/patient/export");
            b.find(By.id("start-export")).click();
            b.find(By.id("export-bar"));
            WebElement download = b.waitFor(d -> d.findElements(By.id("download-export")).stream().findFirst()
                    .orElse(null));
            download.click();
            Path zip = b.downloaded("patient-vault-export-");
            List<String> names = new ArrayList<>();
            try (ZipFile z = new ZipFile(zip.toFile())) {
                z.stream().map(ZipEntry::getName).forEach(names::add);
            }
            assertThat(names).anyMatch(n -> n.endsWith(".pdf")).anyMatch(n -> n.endsWith(".ndjson")
                    || n.endsWith(".json"));
            b.screenshot("web-a-3-export");
        }
    }

    @Test
    void aPostWithoutItsCsrfTokenIsRefusedAndChangesNothing() throws Exception {
        try (Browser b = new Browser(base(), "zh-CN")) {
            b.signIn("/app/patient/consents", "alice", "alice-demo");
            String cookie = b.sessionCookie();
            int before = b.driver.findElements(By.cssSelector(".consent")).size();
            String form = "kind=share&hospital=hosp-shanghai&days=30";
            for (String body : List.of(form, form + "&_csrf=forged-token")) {
                HttpResponse<String> forged = http.send(HttpRequest.newBuilder(URI.create(base()
                                + "/app/patient/consents"))
                        .header("Cookie", cookie)
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(forged.statusCode()).as("a cross-site POST").isEqualTo(403);
                assertThat(forged.body()).doesNotContain("Shanghai", "上海", "alice");
            }
            // The same session still works, and nothing was granted.
            b.open("/app/patient/consents");
            assertThat(b.driver.findElements(By.cssSelector(".consent"))).hasSize(before);
            Bundle consents = ctx.newJsonParser().parseResource(Bundle.class,
                    send(KeycloakTokens.token("alice"), "GET", "Consent?status=active&_count=100", null).body());
            assertThat(consents.getEntry()).noneMatch(e -> e.getResource() instanceof org.hl7.fhir.r4.model.Consent c
                    && c.getStatus() == org.hl7.fhir.r4.model.Consent.ConsentState.ACTIVE
                    && ctx.newJsonParser().encodeResourceToString(c).contains("hosp-shanghai")
                    && c.getMeta().getLastUpdated() != null
                    && c.getMeta().getLastUpdated().toInstant().isAfter(java.time.Instant.now().minusSeconds(60)));
            b.screenshot("web-d-csrf");

            // Signing out ends both the UI's session and the provider's: the next page asks for the password again.
            b.find(By.cssSelector("header form button")).click();
            b.waitFor(d -> d.getCurrentUrl().startsWith(base() + "/app/signed-out"));
            b.open("/app/patient/records");
            b.waitFor(d -> !d.findElements(By.id("kc-login")).isEmpty());
        }
    }
}
