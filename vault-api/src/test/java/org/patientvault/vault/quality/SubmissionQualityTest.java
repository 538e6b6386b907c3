package org.patientvault.vault.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyCollection;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.patientvault.mapping.quality.QualityScoreExtension;
import org.patientvault.mapping.quality.QualityScorer;
import org.patientvault.mapping.quality.QualitySubmissionResult;

class SubmissionQualityTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final QualityScorer SCORER = QualityScorer.withDefaults();
    private static final Instant NOW = Instant.parse("2026-11-28T06:00:00Z");

    private final QualityTables tables = mock(QualityTables.class);
    private final DaoRegistry daos = mock(DaoRegistry.class);

    private SubmissionQuality quality(boolean enabled) {
        return new SubmissionQuality(SCORER, tables, daos, FHIR, new QualityProperties(enabled, null, null));
    }

    /** What HAPI answers for a transaction: one entry per request entry, with its own storage outcome. */
    private static Bundle hapiResponse(Bundle request) {
        Bundle response = new Bundle().setType(Bundle.BundleType.TRANSACTIONRESPONSE);
        for (int i = 0; i < request.getEntry().size(); i++) {
            OperationOutcome hapi = new OperationOutcome();
            hapi.addIssue().setSeverity(OperationOutcome.IssueSeverity.INFORMATION)
                    .getDetails().addCoding(new Coding("https://hapifhir.io/fhir/CodeSystem/hapi-fhir-storage-response-code",
                            "SUCCESSFUL_CREATE", null));
            response.addEntry().getResponse().setStatus("201 Created").setLocation("Observation/" + i + "/_history/1")
                    .setOutcome(hapi);
        }
        return response;
    }

    @Test
    void switchedOffItNeitherScoresNorStamps() {
        Bundle b = QualityCheckups.defective(QualityCheckups.residentId(), "off");
        assertThat(quality(false).score(b, NOW)).isEmpty();
        b.getEntry().forEach(e -> assertThat(QualityScoreExtension.read(e.getResource())).isEmpty());
    }

    @Test
    void scoresStampsEachResourceAndPutsTheReceiptOnTheResponse() {
        when(tables.seen(anyCollection())).thenReturn(Set.of());
        Bundle b = QualityCheckups.defective(QualityCheckups.residentId(), "receipt");
        SubmissionQuality q = quality(true);

        SubmissionQuality.Scored scored = q.score(b, NOW).orElseThrow();
        assertThat(scored.score()).isBetween(0.0, 0.99);
        b.getEntry().forEach(e -> assertThat(QualityScoreExtension.read(e.getResource())).isPresent());
        assertThat(QualityScoreExtension.read(b.getEntry().get(3).getResource()).getAsDouble()).isLessThan(1.0);

        Bundle response = hapiResponse(b);
        q.complete(scored, response, "hosp-beijing", NOW);
        assertThat(QualityScoreExtension.read(response).getAsDouble())
                .isEqualTo(QualityScoreExtension.toDecimal(scored.score()).doubleValue());
        OperationOutcome glucose = (OperationOutcome) response.getEntry().get(1).getResponse().getOutcome();
        assertThat(glucose.getIssueFirstRep().getDetails().getCodingFirstRep().getCode()).isEqualTo("SUCCESSFUL_CREATE");
        assertThat(glucose.getIssue()).anySatisfy(i -> assertThat(i.getDetails().getCodingFirstRep().getCode())
                .isEqualTo("compl.observation-unit"));

        Extension receipt = response.getMeta().getExtensionByUrl(SubmissionQuality.RECEIPT_URL);
        assertThat(receipt.getExtensionsByUrl("check")).extracting(e -> ((Coding) e.getValue()).getCode())
                .contains("compl.observation-unit", "conf.standard-coding", "plaus.future-date");
        Attachment a = (Attachment) receipt.getExtensionByUrl("outcome").getValue();
        OperationOutcome whole = FHIR.newJsonParser().parseResource(OperationOutcome.class,
                new String(a.getData(), StandardCharsets.UTF_8));
        assertThat(whole.getIssue()).hasSize(1 + Integer.parseInt(receipt.getExtensionByUrl("issues").getValue()
                .primitiveValue()));

        verify(tables).record(anyCollection(), eq(NOW), any(QualitySubmissionResult.class));
    }

    @Test
    void aScoringFailureNeverFailsTheSubmission() {
        when(tables.seen(anyCollection())).thenThrow(new org.springframework.dao.DataAccessResourceFailureException(
                "database gone"));
        Bundle b = QualityCheckups.clean(QualityCheckups.residentId(), "fail");
        assertThat(quality(true).score(b, NOW)).isEmpty();
    }

    @Test
    void storingFailuresAfterCommitAreSwallowed() {
        when(tables.seen(anyCollection())).thenReturn(Set.of());
        doThrow(new org.springframework.dao.DataAccessResourceFailureException("gone")).when(tables)
                .record(anyCollection(), any(Instant.class), any(QualitySubmissionResult.class));
        SubmissionQuality q = quality(true);
        Bundle b = QualityCheckups.clean(QualityCheckups.residentId(), "store");
        SubmissionQuality.Scored scored = q.score(b, NOW).orElseThrow();
        Bundle response = hapiResponse(b);
        q.complete(scored, response, "hosp-beijing", NOW);
        assertThat(QualityScoreExtension.read(response)).isPresent();
    }

    @Test
    void aSecondPassMarksRecordsSeenInEarlierSubmissionsAsDuplicates() {
        SubmissionQuality q = quality(true);
        String rid = QualityCheckups.residentId();
        when(tables.seen(anyCollection())).thenReturn(Set.of());
        double first = q.score(QualityCheckups.clean(rid, "dup"), NOW).orElseThrow().score();
        when(tables.seen(anyCollection())).thenAnswer(inv -> Set.copyOf(inv.<java.util.Collection<String>>getArgument(0)));
        Bundle again = QualityCheckups.clean(rid, "dup");
        double second = q.score(again, NOW).orElseThrow().score();
        assertThat(second).isLessThan(first);
        Bundle response = hapiResponse(again);
        q.complete(q.score(again, NOW).orElseThrow(), response, null, NOW);
        assertThat(response.getMeta().getExtensionByUrl(SubmissionQuality.RECEIPT_URL).getExtensionsByUrl("check"))
                .extracting(e -> ((Coding) e.getValue()).getCode()).contains("plaus.duplicate");
        verify(tables).record(anyCollection(), eq(NOW), isNull());
    }

    @SuppressWarnings("unchecked")
    @Test
    void referencesLeavingTheSubmissionResolveAgainstTheVaultOncePerSubmission() {
        when(tables.seen(anyCollection())).thenReturn(Set.of());
        IFhirResourceDao<Organization> orgs = mock(IFhirResourceDao.class);
        when(daos.getResourceDao("Organization")).thenReturn((IFhirResourceDao) orgs);
        when(orgs.read(any(IIdType.class), any(RequestDetails.class))).thenAnswer(inv -> {
            IIdType id = inv.getArgument(0);
            if (id.getIdPart().equals("known")) {
                return new Organization();
            }
            throw new ResourceNotFoundException(id);
        });
        SubmissionQuality q = quality(true);

        Bundle known = QualityCheckups.clean(QualityCheckups.residentId(), "ref-known");
        known.getEntry().stream().skip(1).forEach(e -> ((Observation) e.getResource())
                .addPerformer(new Reference("Organization/known")));
        Bundle unknown = QualityCheckups.clean(QualityCheckups.residentId(), "ref-unknown");
        unknown.getEntry().stream().skip(1).forEach(e -> ((Observation) e.getResource())
                .addPerformer(new Reference("Organization/unknown")));

        Bundle r1 = hapiResponse(known);
        q.complete(q.score(known, NOW).orElseThrow(), r1, null, NOW);
        Bundle r2 = hapiResponse(unknown);
        q.complete(q.score(unknown, NOW).orElseThrow(), r2, null, NOW);
        assertThat(checks(r1)).doesNotContain("conf.reference-integrity");
        assertThat(checks(r2)).contains("conf.reference-integrity");
        // four Observations reference the same Organization: one read per submission
        verify(orgs, times(2)).read(any(IIdType.class), any(RequestDetails.class));
    }

    private static Optional<Extension> receipt(Bundle response) {
        return Optional.ofNullable(response.getMeta().getExtensionByUrl(SubmissionQuality.RECEIPT_URL));
    }

    private static java.util.List<String> checks(Bundle response) {
        return receipt(response).orElseThrow().getExtensionsByUrl("check").stream()
                .map(e -> ((Coding) e.getValue()).getCode()).toList();
    }
}
