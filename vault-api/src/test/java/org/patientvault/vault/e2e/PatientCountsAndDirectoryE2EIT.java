package org.patientvault.vault.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Organization;
import org.junit.jupiter.api.Test;

/**
 * Issue 14, items 5 and 6, with real Keycloak tokens: a patient counts her own records (no other patient's can be
 * counted inside her compartment), while a hospital's counts stay suppressed; and the organisation directory is
 * searchable by patients, so an app can offer "share with…".
 */
class PatientCountsAndDirectoryE2EIT extends E2EBase {

    @Test
    void item5_aPatientCountsHerOwnRecords() throws Exception {
        Bundle listed = parse(get("alice", "Observation?_count=500"));
        long hers = listed.getEntry().size();
        assertThat(hers).isGreaterThanOrEqualTo(2);

        HttpResponse<String> count = get("alice", "Observation?_summary=count");
        assertThat(count.statusCode()).as(count.body()).isEqualTo(200);
        assertThat(parse(count).getTotal()).isEqualTo(hers);

        HttpResponse<String> total = get("alice", "Observation?_total=accurate&_count=1");
        assertThat(total.statusCode()).as(total.body()).isEqualTo(200);
        assertThat(parse(total).getTotal()).isEqualTo(hers);

        // Where consent filters per resource a count would count hidden records: never a number that includes them.
        HttpResponse<String> hospital = get("hosp-shanghai", "Observation?_summary=count");
        assertThat(hospital.statusCode()).isIn(200, 400, 403);
        if (hospital.statusCode() == 200) {
            Bundle b = parse(hospital);
            assertThat(!b.hasTotal() || b.getTotal() <= parse(get("hosp-shanghai", "Observation?_count=500"))
                    .getEntry().size()).as(hospital.body()).isTrue();
        }
    }

    @Test
    void item6_patientsSearchTheHospitalDirectory() throws Exception {
        HttpResponse<String> byCode = get("alice",
                "Organization?identifier=https://patientvault.org/fhir/sid/org|clinic-rural");
        assertThat(byCode.statusCode()).as(byCode.body()).isEqualTo(200);
        Bundle found = parse(byCode);
        assertThat(found.getEntry()).hasSize(1);
        Organization clinic = (Organization) found.getEntryFirstRep().getResource();
        assertThat(clinic.getName()).isEqualTo("青山乡卫生院");
        assertThat(clinic.getAddressFirstRep().getCity()).isEqualTo("保定");
        assertThat(clinic.getTypeFirstRep().getCodingFirstRep().getCode()).isEqualTo("prov");

        HttpResponse<String> byCity = get("bob", "Organization?address-city=上海");
        assertThat(byCity.statusCode()).as(byCity.body()).isEqualTo(200);
        assertThat(byCity.body()).contains("hosp-shanghai");

        HttpResponse<String> hospitals = get("alice",
                "Organization?type=http://terminology.hl7.org/CodeSystem/organization-type|prov&_count=100");
        assertThat(hospitals.body()).contains("hosp-beijing", "hosp-shanghai", "clinic-rural").doesNotContain(
                "\"ai-lab\"");
    }

    private Bundle parse(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return ctx.newJsonParser().parseResource(Bundle.class, r.body());
    }
}
