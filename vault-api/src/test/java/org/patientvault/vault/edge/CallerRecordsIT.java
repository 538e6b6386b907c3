package org.patientvault.vault.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.patientvault.mobile.port.CallerRecords;
import org.patientvault.mobile.port.CallerRecordsException;
import org.patientvault.vault.FhirIT;
import org.patientvault.vault.TestBundles;
import org.patientvault.vault.caller.AccountDirectory;
import org.patientvault.vault.caller.VaultPrincipal;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * The edges' port {@link CallerRecords} runs on the guarded {@code /fhir} path as the caller: a patient sees their own
 * compartment only, another patient's record is answered exactly like an unknown one, and a hospital sees what it
 * submitted. The caller is the one of the current request, as in a mobile-api controller.
 */
class CallerRecordsIT extends FhirIT {

    @Autowired
    CallerRecords records;

    @Autowired
    AccountDirectory accounts;

    private String alicePatient;
    private String aliceObservation;
    private String bobPatient;

    @BeforeEach
    void submit() {
        Bundle alice = client.transaction().withBundle(TestBundles.checkup(TestBundles.newResidentId(), 5.4))
                .execute();
        alicePatient = idOf(alice, 0);
        aliceObservation = idOf(alice, 1);
        Bundle bob = client.transaction().withBundle(TestBundles.checkup(TestBundles.newResidentId(), 6.1))
                .execute();
        bobPatient = idOf(bob, 0);
    }

    @AfterEach
    void leave() {
        SecurityContextHolder.clearContext();
        RequestContextHolder.resetRequestAttributes();
    }

    private static String idOf(Bundle response, int entry) {
        return new IdType(response.getEntry().get(entry).getResponse().getLocation()).getIdPart();
    }

    /** Acts as a request of this caller to a mobile-api route would: thread-bound principal and servlet request. */
    private static void as(VaultPrincipal principal) {
        SecurityContextHolder.getContext().setAuthentication(new TestingAuthenticationToken(principal, null));
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/mobile/v1/timeline");
        RequestContextHolder.setRequestAttributes(new ServletRequestAttributes(request));
    }

    private static VaultPrincipal patient(String patientId) {
        return new VaultPrincipal(VaultPrincipal.Kind.PATIENT, "sub-" + patientId, "vault-mobile", patientId, null,
                null);
    }

    private VaultPrincipal hospital(String orgCode) {
        return new VaultPrincipal(VaultPrincipal.Kind.HOSPITAL, "service-account-" + orgCode, orgCode, null,
                accounts.organizationFor(orgCode, VaultPrincipal.Kind.HOSPITAL), orgCode);
    }

    private static List<String> subjects(Bundle page) {
        return page.getEntry().stream().map(e -> ((Observation) e.getResource()).getSubject().getReference())
                .toList();
    }

    @Test
    void aPatientSearchesOnlyTheirOwnCompartment() {
        as(patient(alicePatient));
        Bundle mine = records.search("Observation", Map.of("code", List.of("http://loinc.org|1558-6")));
        assertThat(subjects(mine)).isNotEmpty().allMatch(s -> s.endsWith("Patient/" + alicePatient));

        // Asking for bob's record by parameter does not widen the search: refused or empty, never bob's data.
        CallerRecordsException refused = catchThrowableOfType(CallerRecordsException.class,
                () -> assertThat(subjects(records.search("Observation",
                        Map.of("subject", List.of("Patient/" + bobPatient))))).isEmpty());
        if (refused != null) {
            assertThat(refused.status()).isBetween(400, 499);
            assertThat(refused.getMessage()).doesNotContain("6.1");
        }
    }

    @Test
    void anotherPatientsRecordIsAnsweredLikeAnUnknownOne() {
        as(patient(bobPatient));
        assertThat(records.read("Observation", aliceObservation)).isEmpty();
        assertThat(records.read("Observation", "00000000-0000-0000-0000-000000000000")).isEmpty();
        assertThat(records.read("Patient", alicePatient)).isEmpty();
        assertThat(records.read("Patient", bobPatient)).isPresent();
        assertThat(records.read("Observation", "../Patient")).as("a path, not an id").isEmpty();
    }

    @Test
    void aHospitalReadsWhatItSubmittedAndAnotherHospitalDoesNot() {
        as(hospital("hosp-beijing"));
        assertThat(records.read("Observation", aliceObservation)).isPresent();
        as(hospital("hosp-shanghai"));
        assertThat(records.read("Observation", aliceObservation)).isEmpty();
    }

    /**
     * An edge request's searches audited as one: one AuditEvent (not one per search) by the same caller, naming every
     * query, the worst outcome, and the caller's records concerned summed over the searches; outside the scope each
     * search still writes its own.
     */
    @Test
    void searchesAuditedAsOneWriteOneEventWithEveryQuery() {
        as(patient(alicePatient));
        int before = count("AuditEvent");
        records.search("Observation", Map.of("code", List.of("http://loinc.org|1558-6")));
        records.search("Patient", Map.of("_id", List.of(alicePatient)));
        // Besides one per request, the consent engine may record its decisions (not batched): compare with a scope.
        int unscoped = count("AuditEvent") - before;
        assertThat(unscoped).as("one per search outside a scope, at least").isGreaterThanOrEqualTo(2);

        before = count("AuditEvent");
        org.hl7.fhir.r4.model.InstantType since = org.hl7.fhir.r4.model.InstantType.now();
        CallerRecordsException refused = catchThrowableOfType(CallerRecordsException.class,
                () -> records.auditedAsOne("GET /mobile/v1/test", () -> {
                    records.search("Observation", Map.of("code", List.of("http://loinc.org|1558-6")));
                    records.search("Patient", Map.of("_id", List.of(alicePatient)));
                    return records.search("NoSuchType", Map.of()); // refused before dispatch: no FHIR request
                }));
        assertThat(refused.status()).isEqualTo(400);
        // The two request events become one (and per-patient events of other patients concerned, one each).
        assertThat(count("AuditEvent") - before).as("fewer writes for the whole scope").isLessThan(unscoped)
                .isGreaterThanOrEqualTo(1);

        org.hl7.fhir.r4.model.AuditEvent ev = newest(since);
        assertThat(ev.getAgentFirstRep().getWho().getReference()).isEqualTo("Patient/" + alicePatient);
        assertThat(ev.getOutcome()).isEqualTo(org.hl7.fhir.r4.model.AuditEvent.AuditEventOutcome._0);
        assertThat(ev.getEntity()).filteredOn(e -> e.hasQuery())
                .extracting(e -> new String(e.getQuery(), java.nio.charset.StandardCharsets.UTF_8))
                .anySatisfy(q -> assertThat(q).contains("1558-6")).hasSize(2);
        assertThat(ev.getEntity()).anySatisfy(e -> assertThat(e.getDescription())
                .isEqualTo("GET /mobile/v1/test: 2 FHIR requests audited as one"));
        assertThat(ev.getEntity()).filteredOn(e -> ("Patient/" + alicePatient).equals(e.getWhat().getReference()))
                .singleElement().satisfies(e -> assertThat(e.getDescription()).contains("Observation×1")
                        .contains("Patient×1"));

        // A refused request inside a scope: the event carries the failure.
        since = org.hl7.fhir.r4.model.InstantType.now();
        catchThrowableOfType(CallerRecordsException.class, () -> records.auditedAsOne("GET /mobile/v1/test", () -> {
            records.search("Observation", Map.of());
            return records.search("Observation", Map.of("no-such-parameter", List.of("x")));
        }));
        ev = newest(since);
        assertThat(ev.getOutcome()).isEqualTo(org.hl7.fhir.r4.model.AuditEvent.AuditEventOutcome._4);
        assertThat(ev.getOutcomeDesc()).startsWith("HTTP 4");
    }

    private org.hl7.fhir.r4.model.AuditEvent newest(org.hl7.fhir.r4.model.InstantType since) {
        ca.uhn.fhir.jpa.searchparam.SearchParameterMap map = ca.uhn.fhir.jpa.searchparam.SearchParameterMap
                .newSynchronous();
        map.add("date", new ca.uhn.fhir.rest.param.DateParam(ca.uhn.fhir.rest.param.ParamPrefixEnum.GREATERTHAN_OR_EQUALS,
                since.getValue()));
        map.add("agent", new ca.uhn.fhir.rest.param.ReferenceParam("Patient/" + alicePatient));
        List<org.hl7.fhir.instance.model.api.IBaseResource> found = daos.getResourceDao("AuditEvent")
                .search(map, new ca.uhn.fhir.rest.api.server.SystemRequestDetails()).getAllResources();
        List<org.hl7.fhir.r4.model.AuditEvent> batched = found.stream()
                .map(org.hl7.fhir.r4.model.AuditEvent.class::cast)
                .filter(e -> e.getEntity().stream().anyMatch(x -> x.hasDescription()
                        && x.getDescription().startsWith("GET /mobile/v1/test"))).toList();
        assertThat(batched).hasSize(1);
        return batched.get(0);
    }

    @Test
    void anUnknownTypeIsRefusedBeforeAnythingIsDispatched() {
        as(patient(alicePatient));
        assertThat(catchThrowableOfType(CallerRecordsException.class,
                () -> records.search("NoSuchType", Map.of())).status()).isEqualTo(400);
    }
}
