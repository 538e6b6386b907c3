package org.patientvault.vault.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.crypto.DirectDecrypter;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import javax.imageio.ImageIO;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.SimpleQuantity;
import org.junit.jupiter.api.Test;
import org.patientvault.mapping.IdentitySystems;

/**
 * Issue 15's end-to-end walk against the real Keycloak realm: alice signs in to the patient app the way the app does
 * (authorization code + PKCE on the public client {@code vault-mobile}, through Keycloak's login form), hospitals
 * submit with client-credentials tokens, and she walks through the whole patient API: claim, timeline, trend, study
 * preview, consent, usage ledger, export (zip opened, DICOM compared byte for byte, PDF read with pdftotext) and a
 * passcode-protected SMART Health Link (wrong passcodes counted, revoked → 404).
 */
class MobileWalkE2EIT extends E2EBase {

    private static final Random RANDOM = new Random();
    private static final String MOBILE = "vault-mobile";

    private final ObjectMapper json = new ObjectMapper();
    private String access;
    private String refresh;
    private long issuedAt;

    /** alice's access token of the app, refreshed (refresh_token grant) before Keycloak's 300 s run out. */
    private String alice() throws Exception {
        if (access == null) {
            JsonNode t = KeycloakTokens.authorizationCodeWithPkce(MOBILE, "alice", "alice-demo");
            access = t.path("access_token").asText();
            refresh = t.path("refresh_token").asText();
            issuedAt = System.currentTimeMillis();
        } else if (System.currentTimeMillis() - issuedAt > 200_000) {
            JsonNode t = KeycloakTokens.refresh(MOBILE, refresh);
            access = t.path("access_token").asText();
            refresh = t.path("refresh_token").asText(refresh);
            issuedAt = System.currentTimeMillis();
        }
        return access;
    }

    private HttpResponse<byte[]> mobile(String method, String path, String token, String body, String... headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path
                        : "http://localhost:" + port + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private JsonNode ok(String method, String path, String body, int status, String... headers) throws Exception {
        HttpResponse<byte[]> r = mobile(method, path, alice(), body, headers);
        String text = new String(r.body(), StandardCharsets.UTF_8);
        assertThat(r.statusCode()).as(method + " " + path + ": " + text).isEqualTo(status);
        return text.isEmpty() ? json.nullNode() : json.readTree(text);
    }

    private static Observation lab(String subject, String loinc, String display, String date, double value,
                                   String unit, double low, double high) {
        Observation o = new Observation();
        o.setStatus(Observation.ObservationStatus.FINAL);
        o.addCategory(new CodeableConcept(new Coding(
                "http://terminology.hl7.org/CodeSystem/observation-category", "laboratory", null)));
        o.setCode(new CodeableConcept(new Coding("http://loinc.org", loinc, display)));
        o.setSubject(new Reference(subject));
        o.setEffective(new DateTimeType(date));
        o.setValue(new Quantity().setValue(value).setUnit(unit).setSystem("http://unitsofmeasure.org").setCode(unit));
        o.addReferenceRange().setLow((SimpleQuantity) new SimpleQuantity().setValue(low).setUnit(unit)
                        .setSystem("http://unitsofmeasure.org").setCode(unit))
                .setHigh((SimpleQuantity) new SimpleQuantity().setValue(high).setUnit(unit)
                        .setSystem("http://unitsofmeasure.org").setCode(unit));
        return o;
    }

    @Test
    void alicesWalkThroughThePatientApi() throws Exception {
        // --- The app's token: authorization code + PKCE on vault-mobile (no password grant on this client).
        JsonNode claims = KeycloakTokens.payload(alice());
        assertThat(claims.path("azp").asText()).isEqualTo(MOBILE);
        assertThat(claims.path("realm_access").path("roles").toString()).contains("patient");

        // --- Two hospitals submit with client-credentials tokens; Shanghai records her phone, a clinic sends a
        // CSV row without resident ID (name, birth date, phone: never linked by itself).
        String phone = "137" + String.format("%08d", RANDOM.nextInt(100_000_000));
        double beijingGlucose = 5.0 + RANDOM.nextInt(90) / 100.0;
        Bundle beijing = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        String bjPatient = "urn:uuid:" + UUID.randomUUID();
        Patient bj = new Patient();
        bj.addIdentifier().setSystem(IdentitySystems.RESIDENT_ID).setValue(ALICE_RID);
        beijing.addEntry().setFullUrl(bjPatient).setResource(bj).getRequest().setMethod(Bundle.HTTPVerb.POST)
                .setUrl("Patient").setIfNoneExist("identifier=" + IdentitySystems.RESIDENT_ID + "|" + ALICE_RID);
        beijing.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID())
                .setResource(lab(bjPatient, "1558-6", "Fasting glucose", "2026-11-02", beijingGlucose, "mmol/L",
                        3.9, 6.1)).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
        String beijingObs = id(submit("hosp-beijing", beijing), 1);

        Bundle shanghai = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        String shPatient = "urn:uuid:" + UUID.randomUUID();
        Patient sh = new Patient();
        sh.addIdentifier().setSystem(IdentitySystems.RESIDENT_ID).setValue(ALICE_RID);
        sh.addName().setText("王 丽");
        sh.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue(phone);
        sh.setBirthDateElement(new DateType("1985-03-12"));
        shanghai.addEntry().setFullUrl(shPatient).setResource(sh).getRequest().setMethod(Bundle.HTTPVerb.POST)
                .setUrl("Patient").setIfNoneExist("identifier=" + IdentitySystems.RESIDENT_ID + "|" + ALICE_RID);
        shanghai.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID())
                .setResource(lab(shPatient, "1558-6", "Fasting glucose", "2026-11-09", 131, "mg/dL", 70, 110))
                .getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
        Bundle shReceipt = submit("hosp-shanghai", shanghai);
        assertThat(id(shReceipt, 0)).isEqualTo(world.alicePatient());
        String shanghaiObs = id(shReceipt, 1);

        List<String> offeredBefore = new ArrayList<>();
        ok("GET", "/mobile/v1/me", null, 200).at("/claimCandidates").forEach(c -> offeredBefore.add(
                c.at("/id").asText()));
        HttpResponse<String> csv = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                        + "/intake/checkup"))
                .header("Authorization", "Bearer " + KeycloakTokens.token("clinic-rural"))
                .header("Content-Type", "text/csv; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString("resident_id,mrn,name,birth_date,gender,phone,date,"
                        + "local_code,local_name,value,unit,ref_low,ref_high\n,,王丽,1985-03-12,女," + phone
                        + ",2026-11-20,FBG,空腹血糖,6.4,mmol/L,3.9,6.1\n", StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(csv.statusCode()).as(csv.body()).isEqualTo(200);

        // --- Claim: the clinic's record is offered (never auto-linked); she accepts it.
        JsonNode me = ok("GET", "/mobile/v1/me", null, 200, "Accept-Language", "en");
        assertThat(me.at("/patientId").asText()).isEqualTo(world.alicePatient());
        JsonNode candidate = null;
        for (JsonNode c : me.at("/claimCandidates")) {
            if ("clinic-rural".equals(c.at("/hospital/id").asText()) && !offeredBefore.contains(c.at("/id").asText())) {
                assertThat(candidate).as("one new candidate").isNull();
                candidate = c;
            }
        }
        assertThat(candidate).as("the clinic's row is offered to alice: " + me).isNotNull();
        assertThat(candidate.at("/name").asText()).isEqualTo("王丽");
        String candidateId = candidate.at("/id").asText();
        assertThat(mobile("POST", "/mobile/v1/me/claim-candidates/" + candidateId + "/accept",
                KeycloakTokens.token("bob"), null).statusCode()).as("bob cannot accept alice's candidate")
                .isEqualTo(404);
        JsonNode claimed = ok("POST", "/mobile/v1/me/claim-candidates/" + candidateId + "/accept", null, 200);
        assertThat(claimed.at("/outcome").asText()).isEqualTo("claimed");
        assertThat(claimed.at("/moved").asInt()).isPositive();
        JsonNode after = ok("GET", "/mobile/v1/me", null, 200);
        assertThat(after.at("/claimCandidates").toString()).doesNotContain(candidateId);
        List<String> hospitals = new ArrayList<>();
        after.at("/hospitals").forEach(h -> hospitals.add(h.at("/hospital/id").asText()));
        assertThat(hospitals).contains("hosp-beijing", "hosp-shanghai", "clinic-rural");

        // Shanghai's CT, after the claim: its header's name (Li^Alice) becomes Shanghai's view of her name, which the
        // clinic's 王丽 would no longer match.
        String study = "2.25." + Math.abs(RANDOM.nextLong());
        byte[] sentDicom = storeStudy("hosp-shanghai", study, ALICE_RID);

        // --- Timeline: one stream across the three sources, newest first, the clinic's claimed row included.
        JsonNode timeline = ok("GET", "/mobile/v1/timeline?limit=100", null, 200, "Accept-Language", "en");
        Map<String, JsonNode> items = new HashMap<>();
        List<String> days = new ArrayList<>();
        timeline.at("/days").forEach(d -> {
            days.add(d.at("/date").asText());
            d.at("/items").forEach(i -> items.put(i.at("/id").asText(), i));
        });
        assertThat(days).isSortedAccordingTo(java.util.Comparator.reverseOrder());
        assertThat(items).containsKeys("Observation/" + beijingObs, "Observation/" + shanghaiObs);
        assertThat(items.get("Observation/" + shanghaiObs).at("/result/flag").asText()).isEqualTo("high");
        assertThat(items.get("Observation/" + shanghaiObs).at("/hospital/id").asText()).isEqualTo("hosp-shanghai");
        String clinicObs = items.values().stream().filter(i -> "clinic-rural".equals(i.at("/hospital/id").asText())
                        && "2026-11-20".equals(i.at("/date").asText()) && "lab".equals(i.at("/kind").asText()))
                .map(i -> i.at("/id").asText()).findFirst().orElse(null);
        assertThat(clinicObs).as("the claimed clinic record is in her timeline: " + items.keySet()).isNotNull();
        JsonNode imaging = items.values().stream().filter(i -> study.equals(i.at("/imaging/studyUid").asText()))
                .findFirst().orElse(null);
        assertThat(imaging).as("the STOW study is in her timeline").isNotNull();
        assertThat(imaging.at("/kind").asText()).isEqualTo("imaging");
        assertThat(mobile("GET", "/mobile/v1/timeline?limit=100", KeycloakTokens.token("bob"), null).body())
                .asString(StandardCharsets.UTF_8).doesNotContain(beijingObs).doesNotContain(study);

        // --- Trend: glucose from three sources in one unit (mg/dL), originals kept.
        JsonNode trend = ok("GET", "/mobile/v1/labs/1558-6/trend", null, 200, "Accept-Language", "zh-CN");
        assertThat(trend.at("/unit").asText()).isEqualTo("mg/dL");
        Map<String, JsonNode> points = new HashMap<>();
        trend.at("/points").forEach(p -> points.put(p.at("/id").asText(), p));
        assertThat(points).containsKeys("Observation/" + beijingObs, "Observation/" + shanghaiObs, clinicObs);
        JsonNode bjPoint = points.get("Observation/" + beijingObs);
        assertThat(bjPoint.at("/original/unit").asText()).isEqualTo("mmol/L");
        // Within 1 mg/dL: the conversion keeps the original's precision, so 5.8 mmol/L (one decimal) gives 104, not
        // 104.49 (a random value with two decimals gives one more digit).
        assertThat(bjPoint.at("/value").asDouble()).isCloseTo(beijingGlucose * 18.016, org.assertj.core.data.Offset
                .offset(1.0));
        assertThat(points.get("Observation/" + shanghaiObs).at("/value").asDouble()).isEqualTo(131.0);
        assertThat(points.get(clinicObs).at("/hospital/id").asText()).isEqualTo("clinic-rural");
        List<String> dates = new ArrayList<>();
        trend.at("/points").forEach(p -> dates.add(p.at("/date").asText()));
        assertThat(dates).isSorted();

        // --- Studies: the preview PNG of the series, with the app's token.
        JsonNode studies = ok("GET", "/mobile/v1/studies", null, 200);
        JsonNode mine = null;
        for (JsonNode s : studies.at("/studies")) {
            if (study.equals(s.at("/studyUid").asText())) {
                mine = s;
            }
        }
        assertThat(mine).as(studies.toString()).isNotNull();
        assertThat(mine.at("/hospital/id").asText()).isEqualTo("hosp-shanghai");
        String previewUrl = mine.at("/series/0/previewUrl").asText();
        HttpResponse<byte[]> preview = mobile("GET", previewUrl, alice(), null);
        assertThat(preview.statusCode()).isEqualTo(200);
        assertThat(preview.headers().firstValue("Content-Type")).hasValue("image/png");
        java.awt.image.BufferedImage png = ImageIO.read(new ByteArrayInputStream(preview.body()));
        assertThat(png).isNotNull();
        assertThat(png.getWidth()).isEqualTo(8);
        assertThat(mobile("GET", previewUrl, KeycloakTokens.token("bob"), null).statusCode()).isEqualTo(404);

        // --- Consent: share lab results with Beijing's rival... Shanghai, for 1 day; Shanghai then reads
        // Beijing's record, and that read is in her usage ledger. Revoked at the end, so other tests see no share.
        java.time.Instant consentAsked = java.time.Instant.now().minusSeconds(1);
        assertThat(get("hosp-shanghai", "Observation/" + beijingObs).statusCode()).as("before consent")
                .isEqualTo(404);
        JsonNode consent = ok("POST", "/mobile/v1/consents",
                "{\"kind\":\"share\",\"hospital\":\"hosp-shanghai\",\"days\":1,\"dataClasses\":[\"laboratory\"]}",
                201, "Accept-Language", "en");
        String consentId = consent.at("/id").asText();
        try {
            assertThat(consent.at("/status").asText()).isEqualTo("active");
            assertThat(consent.at("/explanation").asText()).contains("Shanghai hospital (demo)");
            HttpResponse<String> shared = get("hosp-shanghai", "Observation/" + beijingObs);
            assertThat(shared.statusCode()).as(shared.body()).isEqualTo(200);

            JsonNode usage = ok("GET", "/mobile/v1/usage?limit=100", null, 200, "Accept-Language", "en");
            boolean seen = false;
            boolean refusedBefore = false;
            for (JsonNode e : usage.at("/entries")) {
                assertThat(e.at("/who/kind").asText()).isNotEqualTo("patient");
                if (!"hosp-shanghai".equals(e.at("/who/organization/id").asText())
                        || !"consent-decision".equals(e.at("/action").asText())
                        || java.time.Instant.parse(e.at("/when").asText()).isBefore(consentAsked)) {
                    continue;
                }
                for (JsonNode w : e.at("/what")) {
                    if ("Observation".equals(w.at("/type").asText())) {
                        seen |= w.at("/permitted").asInt() > 0;
                        refusedBefore |= w.at("/denied").asInt() > 0;
                    }
                }
                assertThat(e.at("/purpose").asText()).isEqualTo("treatment");
            }
            assertThat(refusedBefore).as("Shanghai's refused read before the consent: " + usage).isTrue();
            assertThat(seen).as("Shanghai's read of the Beijing record is in alice's ledger: " + usage).isTrue();
        } finally {
            JsonNode revoked = ok("POST", "/mobile/v1/consents/" + consentId + "/revoke", null, 200);
            assertThat(revoked.at("/status").asText()).isEqualTo("revoked");
        }
        assertThat(get("hosp-shanghai", "Observation/" + beijingObs).statusCode()).as("after revoking")
                .isEqualTo(404);

        // --- Export: the zip holds her records (the claimed one too), the DICOM bytes Shanghai sent, a Chinese PDF.
        HttpResponse<byte[]> started = mobile("POST", "/mobile/v1/exports", alice(), null, "Accept-Language", "zh-CN");
        assertThat(started.statusCode()).isEqualTo(202);
        String location = started.headers().firstValue("Location").orElseThrow();
        JsonNode status = ok("GET", location, null, 200);
        long deadline = System.currentTimeMillis() + 180_000;
        while (!status.at("/status").asText().matches("done|failed") && System.currentTimeMillis() < deadline) {
            Thread.sleep(250);
            status = ok("GET", location, null, 200);
        }
        assertThat(status.at("/status").asText()).as(status.toString()).isEqualTo("done");
        assertThat(mobile("GET", location, KeycloakTokens.token("bob"), null).statusCode()).isEqualTo(404);
        HttpResponse<byte[]> zip = mobile("GET", status.at("/download/url").asText(), alice(), null);
        assertThat(zip.statusCode()).isEqualTo(200);
        assertThat((long) zip.body().length).isEqualTo(status.at("/download/bytes").asLong());
        Map<String, byte[]> files = new HashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip.body()))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                files.put(e.getName(), in.readAllBytes());
            }
        }
        assertThat(files.get("dicom/" + study + "/" + study + ".1/" + study + ".1.1.dcm"))
                .as("the instance, byte-identical to what Shanghai sent by STOW").isEqualTo(sentDicom);
        String everything = new String(files.get("fhir/everything.json"), StandardCharsets.UTF_8);
        assertThat(everything).contains(beijingObs, shanghaiObs, clinicObs.substring("Observation/".length()))
                .doesNotContain(world.bobObs()).doesNotContain(world.bobPatient());
        String text = pdfText(files.get("summary.pdf"));
        assertThat(text).contains("健康档案摘要", "北京医院", "上海医院", "空腹血糖", study);
        // A trend chart per analyte, and one preview image per study (every study here is a renderable CT).
        assertThat(text).contains("化验趋势", "空腹血糖（mg/dL）；阴影为参考范围");
        long studiesExported = ctx.newJsonParser().parseResource(Bundle.class, everything).getEntry().stream()
                .filter(e -> e.getResource() instanceof org.hl7.fhir.r4.model.ImagingStudy).count();
        assertThat(studiesExported).isGreaterThanOrEqualTo(2);
        assertThat(pdfImages(files.get("summary.pdf"))).isEqualTo(studiesExported);

        // --- Share link: a doctor with the passcode (wrong ones counted), until she revokes it.
        JsonNode link = ok("POST", "/mobile/v1/share-links",
                "{\"what\":\"selected\",\"studies\":[\"" + study + "\"],\"days\":1,\"passcode\":\"246810\","
                        + "\"label\":\"Dr. Zhang\"}", 201);
        JsonNode payload = json.readTree(java.util.Base64.getUrlDecoder().decode(link.at("/shlink").asText()
                .substring("shlink:/".length())));
        assertThat(payload.at("/flag").asText()).isEqualTo("P");
        String manifest = payload.at("/url").asText();
        JsonNode wrong1 = json.readTree(mobile("POST", manifest, null,
                "{\"recipient\":\"Dr. Zhang\",\"passcode\":\"111111\"}").body());
        assertThat(wrong1.at("/status").asInt()).isEqualTo(401);
        int before = wrong1.at("/remainingAttempts").asInt();
        HttpResponse<byte[]> wrong2 = mobile("POST", manifest, null,
                "{\"recipient\":\"Dr. Zhang\",\"passcode\":\"222222\"}");
        assertThat(wrong2.statusCode()).isEqualTo(401);
        assertThat(json.readTree(wrong2.body()).at("/remainingAttempts").asInt()).isEqualTo(before - 1);
        HttpResponse<byte[]> right = mobile("POST", manifest, null,
                "{\"recipient\":\"Dr. Zhang\",\"passcode\":\"246810\"}");
        assertThat(right.statusCode()).isEqualTo(200);
        String fileUrl = json.readTree(right.body()).at("/files/0/location").asText();
        HttpResponse<byte[]> file = mobile("GET", fileUrl, null, null);
        assertThat(file.statusCode()).isEqualTo(200);
        JWEObject jwe = JWEObject.parse(new String(file.body(), StandardCharsets.US_ASCII));
        jwe.decrypt(new DirectDecrypter(java.util.Base64.getUrlDecoder().decode(payload.at("/key").asText())));
        String sharedBundle = jwe.getPayload().toString();
        assertThat(sharedBundle).contains(study).doesNotContain(beijingObs).doesNotContain(world.bobPatient());
        JsonNode ledger = ok("GET", "/mobile/v1/usage?limit=100", null, 200);
        int shareAccesses = 0;
        for (JsonNode e : ledger.at("/entries")) {
            if ("share-link".equals(e.at("/who/kind").asText()) && e.toString().contains("Dr. Zhang")) {
                shareAccesses++;
            }
        }
        assertThat(shareAccesses).as("two wrong, one right, one file: " + ledger).isEqualTo(4);
        assertThat(mobile("DELETE", "/mobile/v1/share-links/" + link.at("/id").asText(), KeycloakTokens.token("bob"),
                null).statusCode()).isEqualTo(404);
        ok("DELETE", "/mobile/v1/share-links/" + link.at("/id").asText(), null, 204);
        assertThat(mobile("POST", manifest, null, "{\"recipient\":\"Dr. Zhang\",\"passcode\":\"246810\"}")
                .statusCode()).isEqualTo(404);
        assertThat(mobile("GET", fileUrl, null, null).statusCode()).isEqualTo(404);
    }

    /** How many images {@code pdfimages -list} finds in the PDF. */
    private static long pdfImages(byte[] pdf) throws Exception {
        Path f = Files.createTempFile("walk", ".pdf");
        try {
            Files.write(f, pdf);
            Process p = new ProcessBuilder("pdfimages", "-list", f.toString()).start();
            String list = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor()).isZero();
            return list.lines().skip(2).filter(l -> l.contains(" image ")).count();
        } finally {
            Files.deleteIfExists(f);
        }
    }

    private static String pdfText(byte[] pdf) throws Exception {
        Path f = Files.createTempFile("walk", ".pdf");
        try {
            Files.write(f, pdf);
            Process p = new ProcessBuilder("pdftotext", "-enc", "UTF-8", f.toString(), "-").start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor()).isZero();
            return text;
        } finally {
            Files.deleteIfExists(f);
        }
    }
}
