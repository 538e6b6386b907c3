package org.patientvault.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.UnsignedIntType;
import org.junit.jupiter.api.Test;
import org.patientvault.mapping.terminology.ObservationNormalizer;
import org.patientvault.vault.submission.SubmissionService;

class FhirServerIT extends FhirIT {

    private static final Pattern UUID_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    @Test
    void capabilityStatementDescribesTheServer() {
        CapabilityStatement cs = client.capabilities().ofType(CapabilityStatement.class).execute();
        assertThat(cs.getFhirVersion().toCode()).isEqualTo("4.0.1");
        assertThat(cs.getRestFirstRep().getResource()).extracting(r -> r.getType())
                .contains("Patient", "Observation", "Provenance", "Consent", "ImagingStudy");
        assertThat(cs.getRestFirstRep().getInteraction()).extracting(i -> i.getCode().toCode())
                .contains("transaction", "history-system");
    }

    @Test
    void createReadVreadUpdateSearchDeleteWithUuidIds() {
        Patient p = new Patient();
        p.addIdentifier(new Identifier().setSystem("urn:test:mrn").setValue(UUID.randomUUID().toString()));
        p.addName().setFamily("Wang");
        IdType id = (IdType) client.create().resource(p).execute().getId();
        assertThat(id.getIdPart()).matches(UUID_ID);

        Patient read = client.read().resource(Patient.class).withId(id.getIdPart()).execute();
        assertThat(read.getNameFirstRep().getFamily()).isEqualTo("Wang");

        read.getNameFirstRep().setFamily("Wang-Li");
        IdType v2 = (IdType) client.update().resource(read).execute().getId();
        assertThat(v2.getVersionIdPart()).isEqualTo("2");
        Patient v1 = client.read().resource(Patient.class).withId(id.withVersion("1")).execute();
        assertThat(v1.getNameFirstRep().getFamily()).isEqualTo("Wang");

        Bundle found = client.search().forResource(Patient.class)
                .where(Patient.IDENTIFIER.exactly().systemAndIdentifier("urn:test:mrn",
                        p.getIdentifierFirstRep().getValue()))
                .returnBundle(Bundle.class).execute();
        assertThat(found.getEntry()).hasSize(1);

        Bundle history = client.history().onInstance(id.toUnqualifiedVersionless()).returnBundle(Bundle.class)
                .execute();
        assertThat(history.getEntry()).hasSize(2);

        client.delete().resourceById(id.toUnqualifiedVersionless()).execute();
        assertThatThrownBy(() -> client.read().resource(Patient.class).withId(id.getIdPart()).execute())
                .isInstanceOf(ResourceGoneException.class);
    }

    @Test
    void anUpdateInsideATransactionWithAUrnFullUrlIsStored() {
        updateInsideATransaction(false);
    }

    @Test
    void anUpdateInsideATransactionWithAnAbsoluteFullUrlIsStored() {
        updateInsideATransaction(true);
    }

    private void updateInsideATransaction(boolean absoluteFullUrl) {
        Bundle first = client.transaction().withBundle(TestBundles.checkup("110101198503120025", 5.0)).execute();
        IdType obs = new IdType(first.getEntry().get(1).getResponse().getLocation()).toUnqualifiedVersionless();
        Observation changed = client.read().resource(Observation.class).withId(obs).execute();
        changed.setValue(new org.hl7.fhir.r4.model.Quantity().setValue(8.8).setUnit("mmol/L")
                .setSystem("http://unitsofmeasure.org").setCode("mmol/L"));
        Bundle update = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        update.addEntry().setFullUrl(absoluteFullUrl ? baseUrl() + "/" + obs.getValue()
                        : "urn:uuid:" + UUID.randomUUID()).setResource(changed).getRequest()
                .setMethod(Bundle.HTTPVerb.PUT).setUrl(obs.getValue());
        Bundle answered;
        try {
            answered = client.transaction().withBundle(update).execute();
        } catch (ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException e) {
            throw new AssertionError(e.getResponseBody(), e);
        }
        assertThat(answered.getEntryFirstRep().getResponse().getStatus()).startsWith("200");

        Observation stored = client.read().resource(Observation.class).withId(obs).execute();
        assertThat(stored.getIdElement().getVersionIdPart()).isEqualTo("2");
        // Stored in the canonical unit, with the value as sent kept beside it.
        org.hl7.fhir.r4.model.Quantity sent = (org.hl7.fhir.r4.model.Quantity) stored.getValueQuantity()
                .getExtensionByUrl(ObservationNormalizer.ORIGINAL_QUANTITY).getValue();
        assertThat(sent.getValue().doubleValue()).isEqualTo(8.8);
        assertThat(client.history().onInstance(obs).returnBundle(Bundle.class).execute().getEntry()).hasSize(2);
    }

    @Test
    void transactionStoresEverythingWithOneProvenanceAndAReceipt() {
        int provenanceBefore = count("Provenance");
        Bundle submitted = TestBundles.checkup("110101198503120025", 5.4);
        submitted.setIdentifier(new Identifier().setSystem("urn:test:submission").setValue(UUID.randomUUID().toString()));
        Bundle response = client.transaction().withBundle(submitted).execute();

        assertThat(response.getEntry()).hasSize(2);
        assertThat(response.getEntry()).allSatisfy(e -> assertThat(e.getResponse().getLocation()).isNotBlank());
        Extension receipt = response.getMeta().getExtensionByUrl(SubmissionService.RECEIPT_URL);
        assertThat(receipt).isNotNull();
        assertThat(receipt.getExtensionByUrl("replay").getValue().primitiveValue()).isEqualTo("false");
        // The submission's Provenance and the one recording how its Patient was linked.
        assertThat(count("Provenance")).isEqualTo(provenanceBefore + 2);

        String provenanceRef = ((Reference) receipt.getExtensionByUrl("provenance").getValue()).getReference();
        Provenance provenance = client.read().resource(Provenance.class).withId(provenanceRef).execute();
        List<String> targets = provenance.getTarget().stream().map(Reference::getReference).toList();
        assertThat(targets).containsExactlyInAnyOrderElementsOf(response.getEntry().stream()
                .map(e -> new IdType(e.getResponse().getLocation()).toUnqualifiedVersionless().getValue()).toList());
        assertThat(provenance.getEntityFirstRep().getWhat().getIdentifier().getSystem())
                .isEqualTo(SubmissionService.SHA256_SYSTEM);
        assertThat(provenance.getEntityFirstRep().getWhat().getIdentifier().getValue()).hasSize(64);
        assertThat(provenance.getRecorded()).isNotNull();
    }

    @Test
    void resubmittingTheSameBundleCreatesNoDuplicates() {
        String rid = "310104197809210017";
        Bundle first = TestBundles.checkup(rid, 6.1);
        String body = ctx.newJsonParser().encodeResourceToString(first);
        int observations = count("Observation");
        int patients = count("Patient");
        int provenances = count("Provenance");

        Bundle r1 = ctx.newJsonParser().parseResource(Bundle.class, client.transaction().withBundle(body).execute());
        assertThat(count("Observation")).isEqualTo(observations + 1);

        Bundle r2 = ctx.newJsonParser().parseResource(Bundle.class, client.transaction().withBundle(body).execute());
        assertThat(count("Observation")).isEqualTo(observations + 1);
        assertThat(count("Patient")).isLessThanOrEqualTo(patients + 1);
        assertThat(count("Provenance")).isEqualTo(provenances + 2); // submission + link decision; the replay adds none
        Extension receipt = r2.getMeta().getExtensionByUrl(SubmissionService.RECEIPT_URL);
        assertThat(receipt.getExtensionByUrl("replay").getValue().primitiveValue()).isEqualTo("true");
        assertThat(r2.getEntry()).extracting(e -> e.getResponse().getLocation())
                .containsExactlyElementsOf(r1.getEntry().stream().map(e -> e.getResponse().getLocation()).toList());

        // New content for the same patient: the Patient is matched by its business identifier, not duplicated.
        Bundle next = client.transaction().withBundle(TestBundles.checkup(rid, 7.0)).execute();
        assertThat(count("Patient")).isLessThanOrEqualTo(patients + 1);
        Extension r3 = next.getMeta().getExtensionByUrl(SubmissionService.RECEIPT_URL);
        assertThat(((UnsignedIntType) r3.getExtensionByUrl("matched").getValue()).getValue()).isEqualTo(1);
        assertThat(((UnsignedIntType) r3.getExtensionByUrl("created").getValue()).getValue()).isEqualTo(1);
    }

    @Test
    void sameBundleIdentifierWithDifferentContentIsAConflict() {
        Identifier ident = new Identifier().setSystem("urn:test:submission").setValue(UUID.randomUUID().toString());
        Bundle a = TestBundles.checkup("110101198503120025", 5.0);
        a.setIdentifier(ident);
        client.transaction().withBundle(a).execute();
        int observations = count("Observation");

        Bundle b = TestBundles.checkup("110101198503120025", 9.9);
        b.setIdentifier(ident);
        assertThatThrownBy(() -> client.transaction().withBundle(b).execute())
                .isInstanceOf(ResourceVersionConflictException.class)
                .hasMessageContaining(ident.getValue());
        assertThat(count("Observation")).isEqualTo(observations);
    }

    @Test
    void everythingIncludeRevincludeAndHistory() {
        Bundle response = client.transaction().withBundle(TestBundles.checkup("110101198503120025", 4.8)).execute();
        String patientId = new IdType(response.getEntry().get(0).getResponse().getLocation()).getIdPart();
        String obsId = new IdType(response.getEntry().get(1).getResponse().getLocation()).getIdPart();

        // $everything is the patient's own export: alice, whose resident ID the hospital used.
        IGenericClient alice = alice();
        Bundle page = alice.operation().onInstance(new IdType("Patient", patientId)).named("$everything")
                .withNoParameters(Parameters.class).returnResourceType(Bundle.class).execute();
        java.util.List<String> everything = new java.util.ArrayList<>();
        while (true) {
            page.getEntry().forEach(e -> everything.add(e.getResource().getIdElement().getIdPart()));
            if (page.getLink("next") == null) {
                break;
            }
            page = alice.loadPage().next(page).execute();
        }
        assertThat(everything).contains(patientId, obsId);

        // _include/_revinclude of a patient this hospital registered itself. (alice's vault Patient may have been
        // made by her login or another hospital in an earlier test of the shared context; then it is not this
        // hospital's to read, which is right.)
        response = client.transaction().withBundle(TestBundles.checkup(TestBundles.newResidentId(), 4.9)).execute();
        patientId = new IdType(response.getEntry().get(0).getResponse().getLocation()).getIdPart();
        obsId = new IdType(response.getEntry().get(1).getResponse().getLocation()).getIdPart();
        Bundle included = client.search().forResource(Observation.class)
                .where(Observation.RES_ID.exactly().code(obsId)).include(Observation.INCLUDE_SUBJECT)
                .returnBundle(Bundle.class).execute();
        assertThat(included.getEntry()).extracting(e -> e.getResource().getIdElement().getIdPart())
                .containsExactlyInAnyOrder(obsId, patientId);

        Bundle revincluded = client.search().forResource(Patient.class)
                .where(Patient.RES_ID.exactly().code(patientId)).revInclude(Observation.INCLUDE_SUBJECT)
                .returnBundle(Bundle.class).execute();
        assertThat(revincluded.getEntry()).extracting(e -> e.getResource().getIdElement().getIdPart())
                .contains(obsId, patientId);

        // History is offered per record, to its owners; by type or server it would list other callers' records.
        assertThat(client.history().onInstance(new IdType("Observation", obsId)).returnBundle(Bundle.class)
                .execute().getEntry()).hasSize(1);
        assertThatThrownBy(() -> client.history().onType(Observation.class).returnBundle(Bundle.class).execute())
                .isInstanceOf(ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException.class);
        assertThatThrownBy(() -> client.history().onServer().returnBundle(Bundle.class).execute())
                .isInstanceOf(ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException.class);
    }

    @Test
    void batchIsProcessedEntryByEntry() {
        Bundle batch = new Bundle().setType(Bundle.BundleType.BATCH);
        batch.addEntry().setResource(new org.hl7.fhir.r4.model.Location().setName("Batch ward " + UUID.randomUUID()))
                .getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Location");
        String ward = UUID.randomUUID().toString();
        org.hl7.fhir.r4.model.Location upsert = new org.hl7.fhir.r4.model.Location().setName("Ward " + ward);
        upsert.addIdentifier().setSystem("urn:test:ward").setValue(ward);
        batch.addEntry().setResource(upsert).getRequest().setMethod(Bundle.HTTPVerb.PUT)
                .setUrl("Location?identifier=urn:test:ward|" + ward);
        Bundle response = client.transaction().withBundle(batch).execute();
        assertThat(response.getEntry()).hasSize(2);
        assertThat(response.getEntry().get(0).getResponse().getStatus()).startsWith("201");
        assertThat(response.getEntry().get(1).getResponse().getStatus()).startsWith("20");

        // Reads go through the read and search routes (docs/security.md), never inside a Bundle.
        Bundle reads = new Bundle().setType(Bundle.BundleType.BATCH);
        reads.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl("Patient?_count=1");
        assertThatThrownBy(() -> client.transaction().withBundle(reads).execute())
                .isInstanceOf(ca.uhn.fhir.rest.server.exceptions.InvalidRequestException.class)
                .hasMessageContaining("reads are not offered inside a Bundle");
    }

    @Test
    void theAuditTrailRecordsRequestsAndCannotBeChangedThroughTheApi() {
        Bundle response = client.transaction().withBundle(TestBundles.checkup("110101198503120025", 5.2)).execute();
        String patientId = new IdType(response.getEntry().get(0).getResponse().getLocation()).getIdPart();
        IGenericClient alice = alice();
        alice.read().resource(Patient.class).withId(patientId).execute();

        Bundle mine = alice.search().forResource(AuditEvent.class)
                .where(AuditEvent.PATIENT.hasId("Patient/" + patientId)).returnBundle(Bundle.class).execute();
        assertThat(mine.getEntry()).isNotEmpty();
        AuditEvent event = (AuditEvent) mine.getEntryFirstRep().getResource();

        event.setOutcomeDesc("tampered");
        assertThatThrownBy(() -> alice.update().resource(event).execute())
                .isInstanceOfAny(ForbiddenOperationException.class, ResourceNotFoundException.class);
        assertThatThrownBy(() -> alice.delete().resourceById(event.getIdElement().toUnqualifiedVersionless()).execute())
                .isInstanceOfAny(ForbiddenOperationException.class, ResourceNotFoundException.class);
        AuditEvent forged = event.copy();
        forged.setId((String) null);
        assertThatThrownBy(() -> client.create().resource(forged).execute())
                .isInstanceOf(ForbiddenOperationException.class);
        assertThatThrownBy(() -> client.search().forResource(AuditEvent.class).returnBundle(Bundle.class).execute())
                .isInstanceOf(ForbiddenOperationException.class);
    }
}
