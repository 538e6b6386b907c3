package org.patientvault.vault.imaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.patientvault.vault.imaging.DicomWebCalls.text;

import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Provenance;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.patientvault.mapping.IdentitySystems;
import org.patientvault.vault.FhirIT;

/**
 * Every ImagingStudy change is a submission (issue 14, item 7): later series of a study are stored exactly as the
 * mapper merged them, each with a Provenance and a quality score.
 */
class ImagingSubmissionIT extends FhirIT {

    private static ImagingFixtures fx;
    private static String root;

    @BeforeAll
    static void fixtures() throws Exception {
        root = "2.25." + Math.abs(ThreadLocalRandom.current().nextLong());
        fx = new ImagingFixtures(root);
    }

    private DicomWebCalls web() {
        return new DicomWebCalls(port);
    }

    private ImagingStudy study(String studyUid) {
        Bundle b = client.search().forResource(ImagingStudy.class)
                .where(ImagingStudy.IDENTIFIER.exactly().systemAndCode("urn:dicom:uid", "urn:oid:" + studyUid))
                .returnBundle(Bundle.class).execute();
        assertThat(b.getEntry()).as("ImagingStudy " + studyUid).hasSize(1);
        return client.read().resource(ImagingStudy.class)
                .withId(b.getEntry().get(0).getResource().getIdElement().getIdPart()).execute();
    }

    private List<IBaseResource> provenancesOf(String studyId) {
        SearchParameterMap map = SearchParameterMap.newSynchronous()
                .add("target", new ReferenceParam("ImagingStudy/" + studyId));
        return daos.getResourceDao("Provenance").search(map, new SystemRequestDetails()).getAllResources();
    }

    @Test
    void item7_laterSeriesAreSubmissionsStoredAsSentWithProvenanceAndQuality() throws Exception {
        String study = root + ".70";
        ImagingFixtures.Who who = ImagingFixtures.Who.mrn("S7-" + root, "Sun^Qi");
        HttpResponse<byte[]> first = web().stow(hospitalToken, "/dicomweb/studies",
                List.of(fx.ct(study, 1, 1, who), fx.ct(study, 1, 2, who)));
        assertThat(first.statusCode()).as(text(first)).isEqualTo(200);
        ImagingStudy v1 = study(study);
        assertThat(provenancesOf(v1.getIdElement().getIdPart())).hasSize(1);

        HttpResponse<byte[]> second = web().stow(hospitalToken, "/dicomweb/studies/" + study,
                List.of(fx.ctWithAcquisition(study, 2, 1, who)));
        assertThat(second.statusCode()).as(text(second)).isEqualTo(200);
        ImagingStudy v2 = study(study);
        assertThat(v2.getIdElement().getIdPart()).isEqualTo(v1.getIdElement().getIdPart());
        assertThat(v2.getMeta().getVersionId()).isNotEqualTo(v1.getMeta().getVersionId());
        // Stored as merged: both series, all three instances (a silent write loss kept only the first series).
        assertThat(v2.getSeries()).extracting(ImagingStudy.ImagingStudySeriesComponent::getUid)
                .containsExactly(study + ".1", study + ".2");
        assertThat(v2.getNumberOfSeries()).isEqualTo(2);
        assertThat(v2.getNumberOfInstances()).isEqualTo(3);
        // A submission: one Provenance per write, naming the study, and a fresh quality score.
        List<IBaseResource> provenances = provenancesOf(v2.getIdElement().getIdPart());
        assertThat(provenances).hasSize(2);
        assertThat(provenances).allSatisfy(p -> assertThat(((Provenance) p).getTarget())
                .anyMatch(t -> t.getReferenceElement().getIdPart().equals(v2.getIdElement().getIdPart())));
        assertThat(v2.getExtensionByUrl(IdentitySystems.EXTENSION_BASE + "quality-score"))
                .as("quality score on the updated study").isNotNull();

        // Every instance comes back.
        HttpResponse<byte[]> all = web().get(hospitalToken, "/dicomweb/studies/" + study);
        assertThat(all.statusCode()).isEqualTo(200);
        assertThat(DicomWebCalls.parts(all)).hasSize(3);
    }

    private String tokenOf(String client) {
        return org.patientvault.vault.devissuer.DevIssuerLogin.clientCredentialsToken("http://localhost:" + port,
                client, client + "-secret");
    }

    private static ImagingStudy forged(String studyUid, String patientId, String seriesUid, String sopUid) {
        ImagingStudy s = new ImagingStudy();
        s.setStatus(ImagingStudy.ImagingStudyStatus.AVAILABLE);
        s.addIdentifier().setSystem("urn:dicom:uid").setValue("urn:oid:" + studyUid);
        s.setSubject(new org.hl7.fhir.r4.model.Reference("Patient/" + patientId));
        s.addSeries().setUid(seriesUid).setModality(new org.hl7.fhir.r4.model.Coding(
                        "http://dicom.nema.org/resources/ontology/DCM", "CT", null))
                .addInstance().setUid(sopUid).setSopClass(new org.hl7.fhir.r4.model.Coding(
                        "urn:ietf:rfc:3986", "urn:oid:1.2.840.10008.5.1.4.1.1.2", null));
        return s;
    }

    @Test
    void item5_selfWrittenImagingStudyCannotReachForeignInstances() throws Exception {
        String aliceRid = "110101198503120025";
        String study = root + ".50";
        Path ct = fx.ct(study, 1, 1, new ImagingFixtures.Who("I5-" + root, null, "Li^Alice", "19850312", "F",
                aliceRid));
        HttpResponse<byte[]> stored = web().stow(hospitalToken, "/dicomweb/studies", List.of(ct));
        assertThat(stored.statusCode()).as(text(stored)).isEqualTo(200);
        ImagingStudy real = study(study);
        String alicePatient = real.getSubject().getReferenceElement().getIdPart();
        String shanghai = tokenOf("hosp-shanghai");

        // Through /fhir a hospital may not write series/instances: single create, transaction, and rewriting its own.
        String forgedJson = ctx.newJsonParser().encodeResourceToString(
                forged(root + ".51", alicePatient, study + ".1", study + ".1.1"));
        HttpResponse<byte[]> create = web().send(shanghai, "POST", "/fhir/ImagingStudy", "application/fhir+json",
                forgedJson);
        assertThat(create.statusCode()).as(text(create)).isBetween(400, 499);
        Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        tx.addEntry().setFullUrl("urn:uuid:" + java.util.UUID.randomUUID())
                .setResource(forged(root + ".52", alicePatient, study + ".1", study + ".1.1"))
                .getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("ImagingStudy");
        HttpResponse<byte[]> inTx = web().send(hospitalToken, "POST", "/fhir", "application/fhir+json",
                ctx.newJsonParser().encodeResourceToString(tx));
        assertThat(inTx.statusCode()).as(text(inTx)).isEqualTo(422);
        assertThat(text(inTx)).contains("STOW-RS").doesNotContain(alicePatient);
        ImagingStudy rewrite = real.copy();
        rewrite.getMeta().getTag().clear();
        rewrite.getExtension().clear();
        rewrite.getSeriesFirstRep().addInstance().setUid(root + ".99.1").setSopClass(
                rewrite.getSeriesFirstRep().getInstanceFirstRep().getSopClass().copy());
        HttpResponse<byte[]> put = web().send(hospitalToken, "PUT", "/fhir/ImagingStudy/"
                + real.getIdElement().getIdPart(), "application/fhir+json",
                ctx.newJsonParser().encodeResourceToString(rewrite));
        assertThat(put.statusCode()).as(text(put)).isEqualTo(422);
        assertThat(study(study).getMeta().getVersionId()).isEqualTo(real.getMeta().getVersionId());

        // Even an ImagingStudy that names beijing's instances (here written past /fhir, as the old hole allowed) reaches
        // no object: neither under its own Study Instance UID nor under the real one.
        for (String uid : List.of(root + ".53", study)) {
            ImagingStudy planted = forged(uid, alicePatient, study + ".1", study + ".1.1");
            planted.getMeta().addTag(org.patientvault.vault.caller.SubmitterTag.SYSTEM, "hosp-shanghai", null);
            daos.getResourceDao("ImagingStudy").create(planted, new SystemRequestDetails());
            String unknown = "/dicomweb/studies/" + root + ".404";
            for (String suffix : List.of("", "/metadata", "/series/" + study + ".1",
                    "/series/" + study + ".1/instances/" + study + ".1.1", "/series/" + study + ".1/rendered")) {
                HttpResponse<byte[]> attack = web().get(shanghai, "/dicomweb/studies/" + uid + suffix);
                HttpResponse<byte[]> none = web().get(shanghai, unknown + suffix.replace(study, root + ".404"));
                assertThat(attack.statusCode()).as(uid + suffix + " " + text(attack)).isEqualTo(404);
                assertThat(attack.body()).isEqualTo(none.body());
            }
            HttpResponse<byte[]> listed = web().get(shanghai, "/dicomweb/studies?StudyInstanceUID=" + uid);
            assertThat(listed.statusCode()).isEqualTo(200);
            assertThat(text(listed)).isEqualTo("[]");
        }

        // The owner and the patient still get the bytes.
        byte[] sent = java.nio.file.Files.readAllBytes(ct);
        HttpResponse<byte[]> own = web().get(hospitalToken, "/dicomweb/studies/" + study);
        assertThat(own.statusCode()).isEqualTo(200);
        assertThat(DicomWebCalls.parts(own)).hasSize(1).first().isEqualTo(sent);
        String alice = org.patientvault.vault.devissuer.DevIssuerLogin.userToken("http://localhost:" + port, "alice",
                "alice-demo");
        HttpResponse<byte[]> hers = web().get(alice, "/dicomweb/studies/" + study);
        assertThat(hers.statusCode()).isEqualTo(200);
        assertThat(DicomWebCalls.parts(hers)).first().isEqualTo(sent);
    }
}
