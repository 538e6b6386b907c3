package org.patientvault.vault.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

/**
 * DICOMweb with real Keycloak tokens: a patient's viewer lists her studies by QIDO-RS and opens them (issue 14,
 * item 8); another hospital cannot reach a hospital's instances through an ImagingStudy it wrote itself (issue 13,
 * item 5).
 */
class ImagingE2EIT extends E2EBase {

    private final ObjectMapper json = new ObjectMapper();

    private List<String> studyUids(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).get().asString().startsWith("application/dicom+json");
        List<String> out = new ArrayList<>();
        for (JsonNode ds : json.readTree(r.body())) {
            out.add(ds.path("0020000D").path("Value").path(0).asText());
        }
        return out;
    }

    @Test
    void aPatientsViewerListsAndOpensHerStudies() throws Exception {
        String study = world.aliceStudy();
        assertThat(studyUids(get("alice", "/dicomweb/studies"))).contains(study);
        assertThat(studyUids(get("alice", "/dicomweb/studies?StudyInstanceUID=" + study))).containsExactly(study);
        assertThat(studyUids(get("alice", "/dicomweb/studies?PatientName=alice&fuzzymatching=true")))
                .contains(study);
        HttpResponse<String> series = get("alice", "/dicomweb/studies/" + study + "/series");
        assertThat(series.statusCode()).isEqualTo(200);
        assertThat(json.readTree(series.body())).hasSize(1);
        HttpResponse<String> instances = get("alice", "/dicomweb/studies/" + study + "/series/" + study
                + ".1/instances");
        JsonNode instance = json.readTree(instances.body()).get(0);
        String url = instance.path("00081190").path("Value").get(0).asText();
        HttpResponse<String> opened = get("alice", url.substring(url.indexOf("/dicomweb")));
        assertThat(opened.statusCode()).isEqualTo(200);
        assertThat(opened.headers().firstValue("Content-Type")).get().asString().startsWith("multipart/related");
        assertThat(get("alice", "/dicomweb/studies/" + study + "/metadata").statusCode()).isEqualTo(200);

        // Nobody else lists it.
        for (String other : List.of("bob", "hosp-shanghai")) {
            assertThat(studyUids(get(other, "/dicomweb/studies?StudyInstanceUID=" + study))).isEmpty();
            assertThat(json.readTree(get(other, "/dicomweb/studies/" + study + "/series").body())).isEmpty();
        }
    }

    @Test
    void item5_anotherHospitalsImagingStudyCannotReachTheInstances() throws Exception {
        String study = world.aliceStudy();
        ImagingStudy forged = new ImagingStudy();
        forged.setStatus(ImagingStudy.ImagingStudyStatus.AVAILABLE);
        forged.addIdentifier().setSystem("urn:dicom:uid").setValue("urn:oid:" + study + ".77");
        forged.setSubject(new Reference("Patient/" + world.alicePatient()));
        forged.addSeries().setUid(study + ".1").setModality(new Coding("http://dicom.nema.org/resources/ontology/DCM",
                        "CT", null))
                .addInstance().setUid(study + ".1.1").setSopClass(new Coding("urn:ietf:rfc:3986",
                        "urn:oid:1.2.840.10008.5.1.4.1.1.2", null));
        Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        tx.addEntry().setFullUrl("urn:uuid:" + java.util.UUID.randomUUID()).setResource(forged)
                .getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("ImagingStudy");
        HttpResponse<String> refused = send(KeycloakTokens.token("hosp-shanghai"), "POST", "",
                ctx.newJsonParser().encodeResourceToString(tx));
        assertThat(refused.statusCode()).as(refused.body()).isBetween(400, 499);
        assertThat(refused.body()).doesNotContain(world.alicePatient());
        HttpResponse<String> single = send(KeycloakTokens.token("hosp-shanghai"), "POST", "ImagingStudy",
                ctx.newJsonParser().encodeResourceToString(forged));
        assertThat(single.statusCode()).as(single.body()).isBetween(400, 499);
        HttpResponse<String> attack = get("hosp-shanghai", "/dicomweb/studies/" + study + ".77");
        HttpResponse<String> unknown = get("hosp-shanghai", "/dicomweb/studies/" + study + ".78");
        assertThat(attack.statusCode()).isEqualTo(404);
        assertThat(attack.body()).isEqualTo(unknown.body());
        assertThat(get("hosp-beijing", "/dicomweb/studies/" + study).statusCode()).isEqualTo(200);
        assertThat(get("alice", "/dicomweb/studies/" + study).statusCode()).isEqualTo(200);
    }
}
