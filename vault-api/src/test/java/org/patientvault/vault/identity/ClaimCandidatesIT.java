package org.patientvault.vault.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.patientvault.mapping.IdentitySystems;
import org.patientvault.vault.FhirIT;
import org.patientvault.vault.devissuer.DevIssuerLogin;

/**
 * Weak-evidence records (name + birth date + phone only) are never linked automatically: the matching patient sees
 * them as claim candidates, without clinical values, and confirms or rejects each. Only that patient, on their own
 * Patient, may do so.
 */
class ClaimCandidatesIT extends FhirIT {

    private static final String HEADER =
            "resident_id,mrn,name,birth_date,gender,phone,date,local_code,local_name,value,unit,ref_low,ref_high\n";

    private final HttpClient http = HttpClient.newHttpClient();

    private void postCsv(String clientId, String csv) throws Exception {
        String token = DevIssuerLogin.clientCredentialsToken("http://localhost:" + port, clientId,
                clientId + "-secret");
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + "/intake/checkup"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(csv.getBytes(StandardCharsets.UTF_8)))
                .header("Authorization", "Bearer " + token).header("Content-Type", "text/csv; charset=utf-8")
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    private static Parameters candidates(IGenericClient c, String patientId) {
        return c.operation().onInstance(new IdType("Patient", patientId)).named("$claim-candidates")
                .withNoParameters(Parameters.class).useHttpGet().execute();
    }

    private static Parameters decide(IGenericClient c, String patientId, String op, String candidate) {
        Parameters in = new Parameters();
        in.addParameter().setName("candidate").setValue(new Reference(candidate));
        return c.operation().onInstance(new IdType("Patient", patientId)).named(op).withParameters(in).execute();
    }

    private static List<String> candidateRefs(Parameters p) {
        return p.getParameter().stream().filter(x -> "candidate".equals(x.getName()))
                .map(x -> ((Reference) x.getPart().stream().filter(y -> "patient".equals(y.getName())).findFirst()
                        .orElseThrow().getValue()).getReference()).toList();
    }

    @Test
    void theMatchingPatientSeesClaimsAndRejectsWeakRecordsAndNobodyElseCan() throws Exception {
        IGenericClient bob = clientWithToken(DevIssuerLogin.userToken("http://localhost:" + port, "bob", "bob-demo"));
        Bundle own = bob.search().forResource(Patient.class).returnBundle(Bundle.class).execute();
        String bobId = own.getEntryFirstRep().getResource().getIdElement().getIdPart();
        // bob's own demographics, as the patient app lets him keep them (set here as the system).
        String phone = "139" + (10_000_000 + ThreadLocalRandom.current().nextInt(89_999_999));
        Patient self = daos.getResourceDao(Patient.class).read(new IdType("Patient", bobId), new SystemRequestDetails());
        self.getName().clear();
        self.addName().setText("李博");
        self.setBirthDateElement(new DateType("1978-09-21"));
        self.getTelecom().clear();
        self.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue(phone);
        daos.getResourceDao(Patient.class).update(self, new SystemRequestDetails());

        postCsv("clinic-rural", HEADER + ",,李博,1978-09-21,男," + phone + ",2026-11-22,GLU,空腹血糖,6.0,mmol/L,,\n");
        postCsv("hosp-shanghai", HEADER + ",,李 博,1978/9/21,M," + phone + ",2026-11-23,ALT,谷丙转氨酶,30,U/L,,\n");
        int patients = count("Patient");

        Parameters offered = candidates(bob, bobId);
        List<String> refs = candidateRefs(offered);
        assertThat(refs).hasSize(2);
        String encoded = ctx.newJsonParser().encodeResourceToString(offered);
        assertThat(encoded).contains("clinic-rural").contains("hosp-shanghai").contains("DEMOGRAPHIC_MATCH")
                .doesNotContain("6.0").doesNotContain("mmol");
        String rural = null;
        String shanghai = null;
        for (Parameters.ParametersParameterComponent c : offered.getParameter()) {
            String ref = ((Reference) c.getPart().get(0).getValue()).getReference();
            boolean fromRural = c.getPart().stream().anyMatch(p -> "organization".equals(p.getName())
                    && "clinic-rural".equals(p.getValue().primitiveValue()));
            if (fromRural) {
                rural = ref;
            } else {
                shanghai = ref;
            }
            assertThat(c.getPart()).anySatisfy(p -> {
                assertThat(p.getName()).isEqualTo("records");
                assertThat(p.getValue().primitiveValue()).isEqualTo("2");
            });
        }
        assertThat(rural).isNotNull();
        assertThat(shanghai).isNotNull();

        // Nobody else: alice on bob's Patient, bob on alice's, and a hospital.
        IGenericClient alice = alice();
        String aliceId = alice.search().forResource(Patient.class).returnBundle(Bundle.class).execute()
                .getEntryFirstRep().getResource().getIdElement().getIdPart();
        final String ruralRef = rural;
        assertThatThrownBy(() -> candidates(alice, bobId)).isInstanceOf(BaseServerResponseException.class)
                .satisfies(e -> assertThat(((BaseServerResponseException) e).getStatusCode()).isIn(403, 404));
        assertThatThrownBy(() -> decide(alice, bobId, "$claim", ruralRef))
                .isInstanceOf(BaseServerResponseException.class);
        assertThatThrownBy(() -> decide(bob, aliceId, "$claim", ruralRef))
                .isInstanceOf(BaseServerResponseException.class)
                .satisfies(e -> assertThat(((BaseServerResponseException) e).getStatusCode()).isIn(403, 404));
        assertThatThrownBy(() -> candidates(client, bobId)).isInstanceOf(BaseServerResponseException.class);
        assertThat(candidates(alice, aliceId).getParameter()).noneSatisfy(p -> assertThat(
                ctx.newJsonParser().encodeToString(p)).contains(ruralRef));

        // Reject one: it is not offered again, and nothing moved.
        Parameters rejected = decide(bob, bobId, "$reject", shanghai);
        assertThat(rejected.getParameterFirstRep().getValue()).isInstanceOf(Reference.class);
        assertThat(candidateRefs(candidates(bob, bobId))).containsExactly(rural);

        // Claim the other: its records move into bob's compartment, and the decision is recorded.
        Parameters claimed = decide(bob, bobId, "$claim", rural);
        assertThat(claimed.getParameter("moved").getValue().primitiveValue()).isEqualTo("2");
        String provenanceId = ((Reference) claimed.getParameter("provenance").getValue()).getReference();
        Provenance prov = daos.getResourceDao(Provenance.class).read(new IdType(provenanceId),
                new SystemRequestDetails());
        assertThat(prov.getTarget()).extracting(Reference::getReference).contains("Patient/" + bobId, rural);
        assertThat(prov.getActivity().getCoding()).anySatisfy(c -> {
            assertThat(c.getSystem()).isEqualTo(IdentitySystems.LINK_DECISION_CODE_SYSTEM);
            assertThat(c.getCode()).isEqualTo("claim-confirmed");
        });
        assertThat(prov.getAgent()).anySatisfy(a -> assertThat(a.getWho().getReference())
                .isEqualTo("Patient/" + bobId));

        List<Observation> mine = bob.search().forResource(Observation.class).count(200).returnBundle(Bundle.class)
                .execute().getEntry().stream().map(e -> (Observation) e.getResource()).toList();
        assertThat(mine).anySatisfy(o -> assertThat(o.getCode().getCoding()).anySatisfy(c -> {
            assertThat(c.getSystem()).isEqualTo(IdentitySystems.BASE + "/CodeSystem/local/clinic-rural");
            assertThat(c.getCode()).isEqualTo("GLU");
        }));
        assertThat(mine).noneSatisfy(o -> assertThat(o.getCode().getCoding()).anySatisfy(c ->
                assertThat(c.getSystem()).isEqualTo(IdentitySystems.BASE + "/CodeSystem/local/hosp-shanghai")));
        Patient former = daos.getResourceDao(Patient.class).read(new IdType(rural), new SystemRequestDetails());
        assertThat(former.getActive()).isFalse();
        assertThat(former.getLinkFirstRep().getOther().getReference()).isEqualTo("Patient/" + bobId);
        assertThat(candidates(bob, bobId).getParameter()).isEmpty();
        assertThat(count("Patient")).isEqualTo(patients);
        // Claiming again is refused: it is no longer a candidate.
        assertThatThrownBy(() -> decide(bob, bobId, "$claim", ruralRef))
                .isInstanceOf(BaseServerResponseException.class)
                .satisfies(e -> assertThat(((BaseServerResponseException) e).getStatusCode()).isEqualTo(404));
    }
}
