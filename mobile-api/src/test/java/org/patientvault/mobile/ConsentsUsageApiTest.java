package org.patientvault.mobile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Date;
import java.util.List;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.patientvault.consent.ConsentModel;
import org.patientvault.consent.ConsentValidator;
import org.springframework.http.MediaType;

/** /consents and /usage on the fake ports: app terms in, valid FHIR Consents out; bad input changes nothing. */
class ConsentsUsageApiTest extends ApiTestBase {

    private final ObjectMapper json = new ObjectMapper();

    private JsonNode postJson(String url, String body, int status, String language) throws Exception {
        byte[] out = mvc.perform(post(url).contentType(MediaType.APPLICATION_JSON).content(body)
                        .header("Accept-Language", language))
                .andExpect(status().is(status)).andReturn().getResponse().getContentAsByteArray();
        return json.readTree(out);
    }

    private Consent stored(String id) {
        return (Consent) vault.read("Consent", id).orElseThrow();
    }

    @Test
    void aShareIsAValidTreatmentConsentForOneHospitalAndExplainedInPlainWords() throws Exception {
        JsonNode created = postJson("/mobile/v1/consents", """
                {"kind":"share","hospital":"hosp-beijing","days":30,"dataClasses":["laboratory","checkup"]}""",
                201, "en");
        String id = created.at("/id").asText();
        assertThat(created.at("/status").asText()).isEqualTo("active");
        assertThat(created.at("/recipient/id").asText()).isEqualTo("hosp-beijing");
        assertThat(created.at("/explanation").asText()).contains("Beijing hospital (demo)", "lab results",
                "checkups", "treatment", "Only within China");
        assertThat(created.at("/until").asText()).isEqualTo(java.time.LocalDate.parse(created.at("/from").asText())
                .plusDays(30).toString());

        Consent c = stored(id);
        assertThat(ConsentValidator.validate(c, "alice")).isEmpty();
        assertThat(ConsentModel.parseAll(List.of(c), java.time.ZoneId.of("Asia/Shanghai"))).hasSize(1);
        assertThat(c.getScope().getCodingFirstRep().getCode()).isEqualTo("patient-privacy");
        assertThat(c.getProvision().getActorFirstRep().getReference().getIdentifier().getValue())
                .isEqualTo("hosp-beijing");
        assertThat(c.getProvision().getPurposeFirstRep().getCode()).isEqualTo("TREAT");
        assertThat(c.getProvision().getClass_()).extracting(Coding::getCode).containsExactly("laboratory", "checkup");

        JsonNode zh = json.readTree(mvc.perform(get("/mobile/v1/consents").header("Accept-Language", "zh-CN"))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsByteArray());
        assertThat(zh.at("/total").asInt()).isEqualTo(1);
        assertThat(zh.at("/consents/0/explanation").asText()).contains("北京医院（演示）", "化验结果", "诊疗",
                "仅限境内使用");
    }

    @Test
    void aiTrainingForAnyApprovedFirmOrANamedOneAcrossBordersOrNot() throws Exception {
        JsonNode any = postJson("/mobile/v1/consents", """
                {"kind":"ai-training","dataClasses":["imaging"],"purposes":["ai-training","research"]}""", 201, "en");
        Consent c = stored(any.at("/id").asText());
        assertThat(ConsentValidator.validate(c, "alice")).isEmpty();
        assertThat(c.getScope().getCodingFirstRep().getCode()).isEqualTo("research");
        assertThat(c.getProvision().getActorFirstRep().getReference().getIdentifier().getValue())
                .isEqualTo("any-ai-firm");
        assertThat(any.at("/anyAiFirm").asBoolean()).isTrue();
        assertThat(any.has("until")).isFalse();
        assertThat(any.at("/explanation").asText()).contains("any approved AI firm", "imaging", "until you revoke");

        JsonNode named = postJson("/mobile/v1/consents", """
                {"kind":"ai-training","aiFirm":"ai-lab","days":365,"crossBorder":true}""", 201, "zh-CN");
        Consent n = stored(named.at("/id").asText());
        assertThat(ConsentValidator.validate(n, "alice")).isEmpty();
        assertThat(n.getProvision().getExtensionByUrl(
                "https://patientvault.org/fhir/StructureDefinition/cross-border").getValue().primitiveValue())
                .isEqualTo("true");
        assertThat(named.at("/recipient/id").asText()).isEqualTo("ai-lab");
        assertThat(named.at("/crossBorder").asBoolean()).isTrue();
        assertThat(named.at("/explanation").asText()).contains("允许向境外传输");
    }

    @Test
    void revokingMakesTheConsentInactiveAndIsIdempotent() throws Exception {
        String id = postJson("/mobile/v1/consents", """
                {"kind":"share","hospital":"hosp-beijing","days":7}""", 201, "en").at("/id").asText();
        JsonNode revoked = postJson("/mobile/v1/consents/" + id + "/revoke", "", 200, "en");
        assertThat(revoked.at("/status").asText()).isEqualTo("revoked");
        assertThat(stored(id).getStatus()).isEqualTo(Consent.ConsentState.INACTIVE);
        int writes = vault.writes.size();
        postJson("/mobile/v1/consents/" + id + "/revoke", "", 200, "en");
        assertThat(vault.writes).hasSize(writes);
    }

    @Test
    void badInputIsAProblemAndChangesNothing() throws Exception {
        for (String body : List.of("{", "[1,2]", "{\"kind\":\"share\",\"days\":\"many\"}")) {
            mvc.perform(post("/mobile/v1/consents").contentType(MediaType.APPLICATION_JSON).content(body))
                    .andExpect(status().isBadRequest())
                    .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
        }
        for (String body : List.of("{}", "{\"kind\":\"share\",\"days\":30}",
                "{\"kind\":\"share\",\"hospital\":\"hosp-beijing\"}",
                "{\"kind\":\"share\",\"hospital\":\"hosp-beijing\",\"days\":0}",
                "{\"kind\":\"share\",\"hospital\":\"no-such-hospital\",\"days\":3}",
                "{\"kind\":\"share\",\"hospital\":\"hosp-beijing\",\"days\":3,\"dataClasses\":[\"dna\"]}",
                "{\"kind\":\"ai-training\",\"purposes\":[\"marketing\"]}",
                "{\"kind\":\"ai-training\",\"hospital\":\"hosp-beijing\"}")) {
            JsonNode p = postJson("/mobile/v1/consents", body, 422, "en");
            assertThat(p.at("/type").asText()).startsWith("https://patientvault.org/problems/");
            assertThat(p.at("/errors").size()).as(body).isPositive();
        }
        String big = "{\"kind\":\"share\",\"hospital\":\"" + "x".repeat(70_000) + "\"}";
        mvc.perform(post("/mobile/v1/consents").contentType(MediaType.APPLICATION_JSON).content(big))
                .andExpect(status().isPayloadTooLarge())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
        mvc.perform(post("/mobile/v1/consents/no-such-consent/revoke")).andExpect(status().isNotFound())
                .andExpect(jsonPath("$.detail").value("Consent no-such-consent is not known"));
        mvc.perform(post("/mobile/v1/consents/..%2F..%2FPatient/revoke")).andExpect(status().is4xxClientError());
        assertThat(vault.writes).isEmpty();
    }

    private static AuditEvent event(String who, String org, String subtype, String when, String... entities) {
        AuditEvent ev = new AuditEvent();
        ev.setId("AuditEvent/" + java.util.UUID.randomUUID());
        ev.setRecorded(Date.from(java.time.Instant.parse(when)));
        ev.setOutcome(AuditEvent.AuditEventOutcome._0);
        ev.addSubtype(new Coding("http://hl7.org/fhir/restful-interaction", subtype, null));
        Reference r = new Reference(who);
        if (org != null) {
            r.setIdentifier(new Identifier().setSystem("https://patientvault.org/fhir/sid/org").setValue(org));
        }
        ev.addAgent().setRequestor(true).setWho(r);
        ev.addEntity().setWhat(new Reference("Patient/alice"));
        for (String e : entities) {
            ev.addEntity().setWhat(new Reference().setDisplay(e).setIdentifier(new Identifier().setValue(e)));
        }
        return ev;
    }

    @Test
    void usageListsOthersUsesNewestFirstWithoutThePatientsOwn() throws Exception {
        vault.resources.add(event("Organization/org-bj", "hosp-beijing", "read", "2026-12-01T10:00:00Z",
                "Observation/1"));
        vault.resources.add(event("Patient/alice", null, "search-type", "2026-12-02T10:00:00Z"));
        vault.resources.add(event("Organization/org-sh", "hosp-shanghai", "search-type", "2026-12-03T10:00:00Z"));
        AuditEvent decision = new AuditEvent();
        decision.setId("AuditEvent/dec-1");
        decision.setRecorded(Date.from(java.time.Instant.parse("2026-12-04T10:00:00Z")));
        decision.addSubtype(new Coding("https://patientvault.org/fhir/CodeSystem/audit-subtype", "consent-decision",
                null));
        decision.addAgent().setRequestor(true).setWho(new Reference().setDisplay("ai-firm ai-lab"));
        decision.addEntity().setWhat(new Reference("Patient/alice"));
        decision.addEntity().setWhat(new Reference("Observation/2")).setDescription("PERMIT PERMITTED: ...");
        decision.addEntity().setWhat(new Reference("Observation/3")).setDescription("DENY NOT_PERMITTED: ...");
        vault.resources.add(decision);

        JsonNode page = json.readTree(mvc.perform(get("/mobile/v1/usage?limit=2").header("Accept-Language", "en"))
                .andExpect(status().isOk()).andExpect(header().exists("ETag")).andReturn().getResponse()
                .getContentAsByteArray());
        assertThat(page.at("/total").asInt()).isEqualTo(3);
        assertThat(page.at("/entries/0/who/kind").asText()).isEqualTo("ai-firm");
        assertThat(page.at("/entries/0/who/organization/id").asText()).isEqualTo("ai-lab");
        assertThat(page.at("/entries/0/purpose").asText()).isEqualTo("ai-training");
        assertThat(page.at("/entries/0/what/0/type").asText()).isEqualTo("Observation");
        assertThat(page.at("/entries/0/what/0/count").asInt()).isEqualTo(2);
        assertThat(page.at("/entries/0/what/0/permitted").asInt()).isEqualTo(1);
        assertThat(page.at("/entries/1/who/organization/id").asText()).isEqualTo("hosp-shanghai");
        JsonNode next = json.readTree(mvc.perform(get("/mobile/v1/usage?limit=2&cursor="
                + page.at("/nextCursor").asText())).andReturn().getResponse().getContentAsByteArray());
        assertThat(next.at("/entries").size()).isEqualTo(1);
        assertThat(next.at("/entries/0/who/organization/id").asText()).isEqualTo("hosp-beijing");
        assertThat(next.at("/entries/0/what/0/type").asText()).isEqualTo("Observation");
        assertThat(next.has("nextCursor")).isFalse();
    }

    @Test
    void aCohortReleaseAndAWithdrawalShowTheFirmTheReleaseAndTheCounts() throws Exception {
        for (String[] e : new String[][] {{"cohort-release", "2026-12-05T10:00:00Z", "1"},
                {"cohort-withdrawal", "2026-12-06T10:00:00Z", "2"}}) {
            AuditEvent ev = new AuditEvent();
            ev.setId("AuditEvent/" + e[0]);
            ev.setRecorded(Date.from(java.time.Instant.parse(e[1])));
            ev.setOutcome(AuditEvent.AuditEventOutcome._0);
            ev.addSubtype(new Coding("https://patientvault.org/fhir/CodeSystem/audit-subtype", e[0], null));
            ev.addAgent().setRequestor(true).setWho(new Reference().setDisplay("ai-firm ai-lab").setIdentifier(
                    new Identifier().setSystem("https://patientvault.org/fhir/sid/org").setValue("ai-lab")));
            AuditEvent.AuditEventEntityComponent self = ev.addEntity().setWhat(new Reference("Patient/alice"));
            if (e[0].equals("cohort-release")) {
                self.addDetail().setType("ImagingStudy").setValue(new org.hl7.fhir.r4.model.StringType("2"));
                self.addDetail().setType("Observation").setValue(new org.hl7.fhir.r4.model.StringType("5"));
            }
            ev.addEntity().setWhat(new Reference().setDisplay("Group/g1 release " + e[2]))
                    .setRole(new Coding("http://terminology.hl7.org/CodeSystem/object-role", "20", "Job"));
            vault.resources.add(ev);
        }
        JsonNode page = json.readTree(mvc.perform(get("/mobile/v1/usage").header("Accept-Language", "en"))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsByteArray());
        assertThat(page.at("/entries/0/action").asText()).isEqualTo("cohort-withdrawal");
        assertThat(page.at("/entries/0/who/kind").asText()).isEqualTo("ai-firm");
        assertThat(page.at("/entries/0/request").asText()).isEqualTo("Group/g1 release 2");
        assertThat(page.at("/entries/1/action").asText()).isEqualTo("cohort-release");
        assertThat(page.at("/entries/1/purpose").asText()).isEqualTo("ai-training");
        assertThat(page.at("/entries/1/request").asText()).isEqualTo("Group/g1 release 1");
        assertThat(page.at("/entries/1/what/0/type").asText()).isEqualTo("ImagingStudy");
        assertThat(page.at("/entries/1/what/0/count").asInt()).isEqualTo(2);
        assertThat(page.at("/entries/1/what/1/count").asInt()).isEqualTo(5);
        JsonNode zh = json.readTree(mvc.perform(get("/mobile/v1/usage").header("Accept-Language", "zh-CN"))
                .andReturn().getResponse().getContentAsByteArray());
        assertThat(zh.toString()).contains("已从AI训练数据集中撤出");
    }
}
