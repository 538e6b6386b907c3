package org.patientvault.vault.access;

import ca.uhn.fhir.context.FhirContext;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.patientvault.vault.TestBundles;

/**
 * Generates requests an attacker (or a careless client) could send, from one seeded {@link Random}: each names the
 * victim's records by id, identifier or resident ID somewhere, mutated into valid, odd and malformed shapes.
 */
final class AttackGenerator {

    /** One generated request. */
    record Attack(String kind, String method, String path, String body, String contentType, String... headers) {
        String describe() {
            return kind + " " + method + " " + path + (body == null ? "" : " body=" + abbreviate(body));
        }

        private static String abbreviate(String s) {
            return s.length() > 160 ? s.substring(0, 160) + "…" : s;
        }
    }

    static final List<String> TYPES = List.of("Observation", "Patient", "Encounter", "Condition", "ImagingStudy",
            "DiagnosticReport", "Task", "Provenance", "AuditEvent", "Consent", "Binary", "Device", "Organization",
            "Location", "Group", "Bundle", "DocumentReference");

    private final Random random;
    private final FhirContext ctx;
    private final AttackerFuzzIT.Victim victim;

    AttackGenerator(Random random, FhirContext ctx, AttackerFuzzIT.Victim victim) {
        this.random = random;
        this.ctx = ctx;
        this.victim = victim;
    }

    Attack next() {
        return switch (random.nextInt(7)) {
            case 0, 1 -> search();
            case 2 -> transaction();
            case 3 -> patch();
            case 4 -> instanceWrite();
            case 5 -> csv();
            default -> stow();
        };
    }

    private Attack search() {
        String type = pick(TYPES);
        StringBuilder q = new StringBuilder(type).append('?');
        int n = 1 + random.nextInt(4);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                q.append('&');
            }
            q.append(pick(List.of(
                    "_id=" + victim.obs(), "_id=" + victim.patient(), "subject=Patient/" + victim.patient(),
                    "patient=" + victim.patient(), "identifier=" + TestBundles.RESIDENT_ID + "|" + victim.rid(),
                    "_has:Observation:subject:code=http://loinc.org|1558-6", "_has:Observation:patient:_id="
                            + victim.obs(), "subject.identifier=" + TestBundles.RESIDENT_ID + "|" + victim.rid(),
                    "subject:Patient.name=Fuzzvictim", "_include=*", "_include:iterate=Observation:subject",
                    "_revinclude=Provenance:target", "_revinclude:iterate=*", "_elements=id,subject,value",
                    "_summary=" + pick(List.of("count", "true", "text", "data", "false", "bogus")),
                    "_total=" + pick(List.of("accurate", "estimate", "none", "x")),
                    "_count=" + pick(List.of("0", "1", "-1", "100000", "abc")), "_sort=" + pick(List.of("-date",
                            "_id", "nonsense", "subject.name")), "date=" + pick(List.of("ge2020", "2020-13-45",
                            "lt", "eq2026-10-01T00:00:00Z")), "value-quantity=gt" + pick(List.of("5", "x|y|z",
                            "5.4|http://unitsofmeasure.org|mmol/L")), "_content=Fuzzvictim", "_text=HIV",
                    "_list=" + uuid(), "_filter=name eq Fuzzvictim", "_contained=true", "_tag="
                            + "https://patientvault.org/fhir/CodeSystem/submitter|hosp-beijing",
                    "_security=x", "name=Fuzzvictim", "phone=" + AttackerFuzzIT.PHONE, "code:text=glucose",
                    "_lastUpdated=gt2000-01-01", "_source=x", "=", "_format=xml")));
        }
        return new Attack("search", "GET", q.toString(), null, null);
    }

    private Attack transaction() {
        Bundle b = TestBundles.checkup(random.nextBoolean() ? victim.rid() : TestBundles.newResidentId(),
                1 + random.nextInt(9));
        Bundle.BundleEntryComponent obs = b.getEntry().get(1);
        switch (random.nextInt(9)) {
            case 0 -> obs.getRequest().setMethod(Bundle.HTTPVerb.PUT).setUrl("Observation/" + victim.obs());
            case 1 -> obs.getRequest().setMethod(Bundle.HTTPVerb.DELETE).setUrl("Observation/" + victim.obs());
            case 2 -> obs.getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl("Observation/" + victim.obs());
            case 3 -> obs.getRequest().setMethod(Bundle.HTTPVerb.PATCH).setUrl("Observation/" + victim.obs());
            case 4 -> obs.getRequest().setIfNoneExist("_id=" + victim.obs());
            case 5 -> ((Observation) obs.getResource()).getSubject().setReference("Patient?identifier="
                    + TestBundles.RESIDENT_ID + "|" + victim.rid());
            case 6 -> obs.getRequest().setMethod(Bundle.HTTPVerb.PUT).setUrl("Observation?_id=" + victim.obs());
            case 7 -> obs.getRequest().setMethod(Bundle.HTTPVerb.DELETE).setUrl("Patient?identifier="
                    + TestBundles.RESIDENT_ID + "|" + victim.rid());
            default -> b.getEntry().get(0).getRequest().setMethod(Bundle.HTTPVerb.PUT)
                    .setUrl("Patient/" + victim.patient());
        }
        if (random.nextInt(5) == 0) {
            b.setType(Bundle.BundleType.BATCH);
        }
        String json = ctx.newJsonParser().encodeResourceToString(b);
        if (random.nextInt(6) == 0) {
            json = json.substring(0, random.nextInt(json.length()));
        }
        return new Attack("transaction", "POST", "", json, null);
    }

    private Attack patch() {
        String target = random.nextBoolean() ? "Observation/" + victim.obs() : "Patient/" + victim.patient();
        if (random.nextInt(4) == 0) {
            target = "Patient?identifier=" + TestBundles.RESIDENT_ID + "|" + victim.rid();
        }
        if (random.nextBoolean()) {
            String op = pick(List.of("copy", "test", "move", "remove", "replace", "add"));
            String body = "[{\"op\":\"" + op + "\",\"from\":\"/telecom/0/value\",\"path\":\"/"
                    + pick(List.of("gender", "status", "id", "meta", "telecom/0/value"))
                    + "\",\"value\":\"13600000000\"}]";
            return new Attack("json-patch", "PATCH", target, body, "application/json-patch+json");
        }
        String body = "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"operation\",\"part\":["
                + "{\"name\":\"type\",\"valueCode\":\"" + pick(List.of("replace", "delete", "add", "x")) + "\"},"
                + "{\"name\":\"path\",\"valueString\":\"" + pick(List.of("Observation.status", "Patient.telecom",
                "(", "Observation.value.value")) + "\"},{\"name\":\"value\",\"valueCode\":\"amended\"}]}]}";
        return new Attack("fhirpath-patch", "PATCH", target, body, null);
    }

    private Attack instanceWrite() {
        String id = random.nextBoolean() ? victim.obs() : uuid();
        Observation o = TestBundles.glucose("Patient/" + victim.patient(), 9.9);
        o.setId(id);
        String json = ctx.newJsonParser().encodeResourceToString(o);
        return switch (random.nextInt(8)) {
            case 0 -> new Attack("update", "PUT", "Observation/" + id, json, null);
            case 1 -> new Attack("delete", "DELETE", "Observation/" + id, null, null);
            case 2 -> new Attack("conditional-create", "POST", "Observation", json, null, "If-None-Exist",
                    "_id=" + victim.obs());
            case 3 -> new Attack("validate", "POST", "Observation/" + id + "/$validate", json, null);
            case 4 -> new Attack("meta", "GET", "Observation/" + id + "/$meta", null, null);
            case 5 -> new Attack("history", "GET", pick(List.of("Observation/" + id + "/_history",
                    "Observation/_history", "_history", "Observation/" + id + "/_history/1")), null, null);
            case 6 -> new Attack("everything", "GET", "Patient/" + victim.patient() + "/$everything", null, null);
            default -> new Attack("explain", "GET", "Patient/" + victim.patient() + "/$consent-explain?purpose="
                    + pick(List.of("treatment", "x", "")) + "&recipient=" + pick(List.of("hosp-shanghai", "")),
                    null, null);
        };
    }

    private Attack csv() {
        StringBuilder csv = new StringBuilder("resident_id,mrn,name,birth_date,gender,phone,date,local_code,"
                + "local_name,value,unit,ref_low,ref_high\n");
        int rows = 1 + random.nextInt(3);
        for (int i = 0; i < rows; i++) {
            csv.append(pick(List.of(victim.rid(), "", "12345", TestBundles.newResidentId()))).append(',')
                    .append(pick(List.of("BJ-7", "", "MRN,with,commas"))).append(',')
                    .append(pick(List.of("王丽", "Attacker", "\"quoted\"\"name\""))).append(',')
                    .append(pick(List.of("1985-03-12", "1985-02-30", "yesterday"))).append(',')
                    .append(pick(List.of("女", "M", "?"))).append(',').append(pick(List.of("13600000000",
                            "x"))).append(',').append(pick(List.of("2026-11-20", "2026-99-99"))).append(',')
                    .append(pick(List.of("GLU", "ALT", "???"))).append(",空腹血糖,")
                    .append(pick(List.of("5.6", "-1", "NaN", "1e999"))).append(',')
                    .append(pick(List.of("mmol/L", "", "furlong"))).append(",3.9,6.1\n");
        }
        String body = random.nextInt(5) == 0 ? csv.substring(0, random.nextInt(csv.length())) : csv.toString();
        return new Attack("csv", "POST", "/intake/checkup", body, pick(List.of("text/csv; charset=utf-8",
                "text/csv", "application/json")));
    }

    private Attack stow() {
        String boundary = "fuzz" + random.nextInt(1000);
        String part = pick(List.of("DICM garbage", "\u0000\u0000\u0000", "", "not dicom at all " + victim.rid()));
        String body = "--" + boundary + "\r\nContent-Type: application/dicom\r\n\r\n" + part + "\r\n--" + boundary
                + (random.nextBoolean() ? "--\r\n" : "");
        return new Attack("stow", "POST", pick(List.of("/dicomweb/studies", "/dicomweb/studies/2.25.1")), body,
                pick(List.of("multipart/related; type=\"application/dicom\"; boundary=" + boundary,
                        "multipart/related", "application/dicom")));
    }

    private <T> T pick(List<T> options) {
        return options.get(random.nextInt(options.size()));
    }

    private static String uuid() {
        return UUID.randomUUID().toString();
    }
}
