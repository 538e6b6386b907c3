package org.patientvault.vault.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.LocalDate;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.IdType;
import org.junit.jupiter.api.Test;
import org.patientvault.vault.TestBundles;

/**
 * alice shares her records with hosp-shanghai for 30 days: Shanghai reads what Beijing submitted about alice, never
 * bob's; after alice revokes, Shanghai's very next read is refused; and alice sees every decision in her AuditEvents.
 */
class ConsentE2EIT extends E2EBase {

    @Test
    void shareReadRevokeAndAudit() throws Exception {
        String bobObsByBeijing = id(submit("hosp-beijing", TestBundles.checkup(BOB_RID, 5.1)), 1);
        assertThat(get("hosp-shanghai", "Observation/" + world.aliceObs()).statusCode()).isEqualTo(404);

        HttpResponse<String> created = send(KeycloakTokens.token("alice"), "POST", "Consent",
                consentJson(world.alicePatient(), "active"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String consentId = new IdType(created.headers().firstValue("Location").orElseThrow()).getIdPart();
        try {
            HttpResponse<String> shared = get("hosp-shanghai", "Observation/" + world.aliceObs());
            assertThat(shared.statusCode()).as(shared.body()).isEqualTo(200);
            assertThat(shared.body()).contains(world.alicePatient());
            assertThat(get("hosp-shanghai", "Observation/" + bobObsByBeijing).statusCode()).isEqualTo(404);
            Bundle search = ctx.newJsonParser().parseResource(Bundle.class,
                    get("hosp-shanghai", "Observation?subject=Patient/" + world.alicePatient()).body());
            assertThat(search.getEntry()).isNotEmpty();
            assertThat(explain()).contains("\"valueCode\":\"permit\"");
        } finally {
            String revoked = consentJson(world.alicePatient(), "inactive").replaceFirst("\\{",
                    "{\"id\":\"" + consentId + "\",");
            HttpResponse<String> r = send(KeycloakTokens.token("alice"), "PUT", "Consent/" + consentId, revoked);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
        assertThat(get("hosp-shanghai", "Observation/" + world.aliceObs()).statusCode()).isEqualTo(404);

        assertThat(explain()).contains("\"valueCode\":\"deny\"");
        assertThat(send(KeycloakTokens.token("bob"), "GET", explainPath(), null).statusCode()).isIn(403, 404);

        HttpResponse<String> audit = get("alice", "AuditEvent?patient=Patient/" + world.alicePatient()
                + "&_count=200");
        assertThat(audit.statusCode()).isEqualTo(200);
        assertThat(audit.body()).contains("consent-decision").contains("hosp-shanghai")
                .contains("PERMIT").contains("DENY");
    }

    @Test
    void aConsentForSomeoneElseIsRefusedClearly() throws Exception {
        HttpResponse<String> r = send(KeycloakTokens.token("bob"), "POST", "Consent",
                consentJson(world.alicePatient(), "active"));
        assertThat(r.statusCode()).isIn(403, 404, 422);
        assertThat(r.body()).contains("OperationOutcome").doesNotContain("Exception");
    }

    /** "Would hosp-shanghai get my laboratory data from 2026 for treatment?" */
    private String explain() throws Exception {
        HttpResponse<String> r = get("alice", explainPath());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.body();
    }

    private String explainPath() {
        return "Patient/" + world.alicePatient() + "/$consent-explain?recipient=hosp-shanghai&purpose=treatment"
                + "&dataClass=laboratory&recordDate=2026-10-01";
    }

    private static String consentJson(String patientId, String status) {
        LocalDate today = LocalDate.now();
        return """
                {"resourceType":"Consent","status":"%s",
                 "scope":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/consentscope","code":"patient-privacy"}]},
                 "category":[{"coding":[{"system":"http://loinc.org","code":"59284-0"}]}],
                 "patient":{"reference":"Patient/%s"},
                 "policyRule":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"OPTIN"}]},
                 "provision":{"type":"permit","period":{"start":"%s","end":"%s"},
                   "actor":[{"role":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ParticipationType","code":"IRCP"}]},
                             "reference":{"identifier":{"system":"https://patientvault.org/fhir/sid/org","value":"hosp-shanghai"}}}]}}
                """.formatted(status, patientId, today.minusDays(1), today.plusDays(30));
    }
}
